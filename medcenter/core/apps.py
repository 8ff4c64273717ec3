from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "medcenter.core"
    label = "core"

    def ready(self) -> None:
        from medcenter.core import checks, notices  # noqa: F401 (checks registers system checks)

        notices.register()
