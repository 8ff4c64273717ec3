from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "medcenter.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from medcenter.directory import selectors
        from medcenter.pages.home import register_programs

        register_programs(selectors.program_cards)
