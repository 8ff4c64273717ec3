from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "medcenter.portal"
    label = "portal"
    verbose_name = _("Patient Gateway")

    def ready(self) -> None:
        from medcenter.portal import panels

        panels.register()
