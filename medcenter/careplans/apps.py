from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareplansConfig(AppConfig):
    name = "medcenter.careplans"
    label = "careplans"
    verbose_name = _("Care plans and navigation")

    def ready(self) -> None:
        from medcenter.careplans import notices
        from medcenter.portal.registry import Section, register_section

        notices.register()
        register_section(
            Section(
                key="careplan",
                label=_("Care plan"),
                url_name="careplans:portal_plan",
                scope="results",
                order=40,
            )
        )
