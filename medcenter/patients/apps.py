from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientsConfig(AppConfig):
    name = "medcenter.patients"
    label = "patients"
    verbose_name = _("Patients")

    def ready(self) -> None:
        from medcenter.patients import access, notices

        notices.register()
        access.register_own_search_bases()
