from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "medcenter.scheduling"
    label = "scheduling"
    verbose_name = _("Appointments and referrals")

    def ready(self) -> None:
        from medcenter.patients.merging import register_merge_step
        from medcenter.scheduling import notices, services

        notices.register()
        register_merge_step("scheduling", services.move_patient_rows)
