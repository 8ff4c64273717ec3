from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrialsConfig(AppConfig):
    name = "medcenter.trials"
    label = "trials"
    verbose_name = _("Clinical trials")

    def ready(self) -> None:
        from medcenter.trials import notices

        notices.register()
