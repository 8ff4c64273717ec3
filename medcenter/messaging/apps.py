from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "medcenter.messaging"
    label = "messaging"
    verbose_name = "Messages"

    def ready(self) -> None:
        from medcenter.messaging import notify, portal

        notify.register()
        portal.register()
