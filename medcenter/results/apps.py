from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "medcenter.results"
    label = "results"
    verbose_name = _("Results and documents")

    def ready(self) -> None:
        from medcenter.portal.registry import (
            HomePanel,
            Section,
            register_home_panel,
            register_section,
        )
        from medcenter.results import notices, portal

        notices.register()
        register_section(
            Section(
                key="results",
                label=_("Results"),
                scope="results",
                url_name="results:portal_list",
                order=40,
            )
        )
        register_section(
            Section(
                key="notifications",
                label=_("Notifications"),
                url_name="results:notifications",
                self_only=True,
                order=90,
            )
        )
        register_home_panel(
            HomePanel(
                key="results",
                label=_("New results"),
                provider=portal.new_results_panel,
                scope="results",
                order=40,
            )
        )
