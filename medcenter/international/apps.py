from django.apps import AppConfig


class InternationalConfig(AppConfig):
    name = "medcenter.international"
    label = "international"
    verbose_name = "International Patient Center"

    def ready(self) -> None:
        from medcenter.international import notices, portal

        notices.register()
        portal.register()
