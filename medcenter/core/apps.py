from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "medcenter.core"
    label = "core"

    def ready(self) -> None:
        from medcenter.core import checks  # noqa: F401 (registers the system checks)
