from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "medcenter.content"
    label = "content"
    verbose_name = _("Editorial content")

    def ready(self) -> None:
        from medcenter.content import caching, selectors
        from medcenter.directory.extras import register_program_sections
        from medcenter.pages.home import register_home_block

        register_home_block("stories", selectors.home_stories)
        register_home_block("news", selectors.home_news)
        register_program_sections(selectors.program_sections)
        caching.connect()
