"""How the audit-failure matrix (patients/tests/test_audit_failure_matrix.py) calls the quality
app's audited writes: the arrangement runs with a working audit log and returns the write."""

from collections.abc import Callable
from datetime import date
from typing import Any

from medcenter.quality import services
from medcenter.quality.models import Measure
from medcenter.quality.tests.factories import analyst, catalogue, document, enter

SERVICES = "medcenter.quality.services."
MONTH = date(2026, 9, 1)


def _record_entry(ctx: Any) -> Callable[[], Any]:
    catalogue()
    actor = analyst()
    return lambda: services.record_entry(
        measure_code="clabsi-sir",
        month=MONTH,
        numerator=2,
        denominator=3.5,
        actor=actor,
        document=document(),
    )


def _revise_measure(ctx: Any) -> Callable[[], Any]:
    catalogue()
    actor = analyst()
    measure = Measure.objects.get(code="no-shows")
    return lambda: services.revise_measure(measure=measure, actor=actor, name="Missed visits")


def _take_snapshots(ctx: Any) -> Callable[[], Any]:
    catalogue()
    enter("clabsi-sir", MONTH, 2, 3.5)
    return lambda: services.take_snapshots(months=[MONTH])


def _publish_month(ctx: Any) -> Callable[[], Any]:
    catalogue()
    enter("clabsi-sir", MONTH, 2, 3.5)
    services.take_snapshots(months=[MONTH])
    actor = analyst()
    return lambda: services.publish_month(month=MONTH, actor=actor)


def _install_catalogue(ctx: Any) -> Callable[[], Any]:
    catalogue()
    # A measure still in the catalogue's first wording, worded differently since (an older
    # release): installing again gives it the catalogue's wording as version 2, audited.
    Measure.objects.get(code="no-shows").versions.update(definition="An older definition.")
    return services.install_catalogue


def entries() -> dict[str, Callable[[Any], Callable[[], Any]]]:
    return {
        SERVICES + "install_catalogue": _install_catalogue,
        SERVICES + "record_entry": _record_entry,
        SERVICES + "revise_measure": _revise_measure,
        SERVICES + "take_snapshots": _take_snapshots,
        SERVICES + "publish_month": _publish_month,
    }
