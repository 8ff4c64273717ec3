from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "medcenter.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from medcenter.directory.program_events import register_program_events
        from medcenter.events import notices, selectors

        notices.register()
        register_program_events(selectors.upcoming_for_program)
