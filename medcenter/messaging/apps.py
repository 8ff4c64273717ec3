from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "medcenter.messaging"
    label = "messaging"
    verbose_name = "Messages"

    def ready(self) -> None:
        from medcenter.messaging import notify

        notify.register()
