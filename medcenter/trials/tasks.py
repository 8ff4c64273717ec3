"""Background matching: thin wrappers over services."""

from django_tasks import task

from medcenter.trials import services


@task()
def rematch_patients(*, everyone: bool = False) -> int:
    """Re-match the patients whose record (or the catalogue) changed since their last match,
    after embedding the open trials whose text changed."""
    services.refresh_trial_vectors()
    due = services.patients_to_rematch(everyone=everyone)
    services.rematch_patients(patient_ids=due)
    return len(due)


@task()
def refresh_trial_vectors() -> int:
    """Embed the open trials whose text changed (after an import from the admin)."""
    return services.refresh_trial_vectors()
