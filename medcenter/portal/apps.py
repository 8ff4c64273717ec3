from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "medcenter.portal"
    label = "portal"
    verbose_name = "Patient Gateway"
