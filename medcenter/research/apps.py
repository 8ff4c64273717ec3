from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "medcenter.research"
    label = "research"
    verbose_name = _("Research")

    def ready(self) -> None:
        from medcenter.directory import works
        from medcenter.research import selectors

        works.register_works(
            for_clinician=selectors.works_of_clinician, for_program=selectors.works_of_program
        )
