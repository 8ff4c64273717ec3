from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TumorboardsConfig(AppConfig):
    name = "medcenter.tumorboards"
    label = "tumorboards"
    verbose_name = _("Tumor boards")

    def ready(self) -> None:
        from medcenter.patients.access import register_search_basis, register_staff_basis
        from medcenter.tumorboards import selectors

        register_staff_basis(
            selectors.TUMOR_BOARD,
            label=_("Tumor board member"),
            provider=selectors.tumor_board_basis,
        )
        register_search_basis(
            selectors.TUMOR_BOARD,
            label=_("Case on your tumor board"),
            provider=selectors.tumor_board_patient_ids,
        )
