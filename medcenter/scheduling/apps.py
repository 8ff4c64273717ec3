from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "medcenter.scheduling"
    label = "scheduling"
    verbose_name = _("Appointments and referrals")

    def ready(self) -> None:
        from medcenter.directory.availability import register_next_available
        from medcenter.patients.merging import register_merge_step
        from medcenter.scheduling import findadoctor, notices, services

        notices.register()
        register_merge_step("scheduling", services.move_patient_rows)
        register_next_available(findadoctor.next_available_links)
