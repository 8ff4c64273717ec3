from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "medcenter.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from medcenter.events import notices

        notices.register()
