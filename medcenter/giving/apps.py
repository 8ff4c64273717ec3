from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GivingConfig(AppConfig):
    name = "medcenter.giving"
    label = "giving"
    verbose_name = _("Give Now")

    def ready(self) -> None:
        from medcenter.giving import checks, notices

        notices.register()
        checks.register()
