from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "medcenter.core"
    label = "core"

    def ready(self) -> None:
        from medcenter.core import checks as system_checks  # noqa: F401 (registers the document-key check)
        from medcenter.core import notices
        from medcenter.core.documents import check_fonts

        notices.register()
        checks.register(check_fonts)
