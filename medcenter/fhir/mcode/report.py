"""What an mCODE import did, resource by resource, in words staff can act on."""

from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DIAGNOSIS = "diagnosis"
STAGE = "stage"
PERFORMANCE_STATUS = "performance_status"
TUMOR_MARKER = "tumor_marker"
GENOTYPING_REPORT = "genotyping_report"
VARIANT = "variant"
LAB_RESULT = "lab_result"
PREGNANCY_STATUS = "pregnancy_status"
TREATMENT_COURSE = "treatment_course"

RECORD_KINDS = {
    DIAGNOSIS: gettext_lazy("Cancer diagnoses"),
    STAGE: gettext_lazy("Stage assessments"),
    PERFORMANCE_STATUS: gettext_lazy("Performance statuses"),
    TUMOR_MARKER: gettext_lazy("Tumor marker results"),
    GENOTYPING_REPORT: gettext_lazy("Genotyping reports"),
    VARIANT: gettext_lazy("Variants"),
    LAB_RESULT: gettext_lazy("Laboratory results"),
    PREGNANCY_STATUS: gettext_lazy("Pregnancy statuses"),
    TREATMENT_COURSE: gettext_lazy("Treatment courses"),
}


@dataclass
class ImportReport:
    """The outcome of one import. Resources are named "Type/id" as the source wrote them.

    `stored` names the kind of record each stored resource went into; `acknowledged` counts,
    by resource type, what was read but is not part of the oncology record; `skipped` says
    why an oncology resource stored nothing; `errors` holds the resources that were refused,
    none of which left anything behind.
    """

    created: Counter[str] = field(default_factory=Counter)
    stored: dict[str, str] = field(default_factory=dict)
    acknowledged: Counter[str] = field(default_factory=Counter)
    skipped: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    identity_differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        """The report as lines of text, for the command line or a page."""
        lines: list[str] = []
        for kind in RECORD_KINDS:
            if self.created[kind]:
                lines.append(
                    _("%(kind)s added: %(count)s")
                    % {"kind": RECORD_KINDS[kind], "count": self.created[kind]}
                )
        if not self.created:
            lines.append(_("Nothing was added to the oncology record."))
        for resource_type, count in sorted(self.acknowledged.items()):
            lines.append(
                _("%(type)s resources read, not part of the oncology record: %(count)s")
                % {"type": resource_type, "count": count}
            )
        if self.identity_differences:
            lines.append(
                _("The file's patient differs from the chosen patient in: %(fields)s.")
                % {"fields": ", ".join(self.identity_differences)}
            )
        lines.extend(_("Warning: %(message)s") % {"message": w} for w in self.warnings)
        lines.extend(
            _("Skipped %(resource)s: %(reason)s") % {"resource": key, "reason": reason}
            for key, reason in self.skipped.items()
        )
        lines.extend(
            _("Error in %(resource)s: %(message)s") % {"resource": key, "message": message}
            for key, message in self.errors.items()
        )
        return lines
