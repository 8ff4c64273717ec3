from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrialsConfig(AppConfig):
    name = "medcenter.trials"
    label = "trials"
    verbose_name = _("Clinical trials")

    def ready(self) -> None:
        from medcenter.pages.home import register_program_figure
        from medcenter.patients.access import register_search_basis
        from medcenter.trials import notices, selectors

        notices.register()
        register_program_figure(
            "open_trials",
            provider=selectors.open_trials_per_program,
            url=selectors.trials_of_program_url,
        )
        register_search_basis(
            "trial",
            label=_("Candidate on a trial you coordinate"),
            provider=selectors.coordinated_patient_ids,
        )
