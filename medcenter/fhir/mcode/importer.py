"""Import a patient's cancer record from HL7 mCODE STU4 resources.

Every resource is first checked against its fhir.resources R4B model (the elements mCODE uses
are the same in R4 and R4B), then written through the oncology services, so the record's own
rules apply: a stage is computed by the staging engine wherever medcenter has the scheme, and
alterations are normalized and annotated by the genomics package. Each resource, or each group
that only makes sense together (a stage group and its categories, a genomics report and its
variants), is written in its own transaction: it is stored whole or not at all.

The target patient is chosen by staff; a CancerPatient resource is only compared with it.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from medcenter.accounts.models import User
from medcenter.fhir.mcode import codes
from medcenter.fhir.mcode.batch import ONCOLOGY, Entry, Kind, read_batch
from medcenter.fhir.mcode.mapping import (
    McodeError,
    StageReading,
    category_axis,
    diagnosis_fields,
    genes_studied,
    is_pertinent_negative,
    marker_interpretation,
    marker_value,
    performance_score,
    read_stage,
    related_primary_reference,
    specimen_text,
    stage_group_classification,
    staging_scheme,
    variant_alteration,
)
from medcenter.fhir.mcode.reading import (
    Json,
    code_in,
    effective_date,
    extension_value,
    parse_date,
    reference_key,
    references,
    subject_key,
    text_of,
)
from medcenter.fhir.mcode.report import (
    DIAGNOSIS,
    GENOTYPING_REPORT,
    LAB_RESULT,
    PERFORMANCE_STATUS,
    PREGNANCY_STATUS,
    STAGE,
    TREATMENT_COURSE,
    TUMOR_MARKER,
    VARIANT,
    ImportReport,
)
from medcenter.oncology import labunits, services, staging
from medcenter.oncology.genomics import (
    SOLID_TUMOR,
    Alteration,
    AlterationError,
)
from medcenter.oncology.models import (
    CancerDiagnosis,
    DiagnosisKind,
    GenotypingReport,
    LabResult,
    PerformanceScale,
    PerformanceStatus,
    PregnancyState,
    PregnancyStatus,
    ReportFormat,
    StageAssessment,
    StopReason,
    TherapySetting,
    TreatmentCourse,
    TumorMarker,
)
from medcenter.patients.models import Patient

T = TypeVar("T")


def import_mcode(
    *,
    resources: Iterable[Mapping[str, Any]] | Mapping[str, Any],
    patient: Patient,
    actor: User | None,
) -> ImportReport:
    """Add the cancer record in `resources` (a Bundle, one resource, or many) to `patient`."""
    result = ImportReport()
    entries = read_batch(resources, result)
    _Import(patient=patient, actor=actor, report=result, entries=entries).run()
    return result


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _id_of(key: str) -> str:
    return key.split("/", 1)[1] if "/" in key else ""


class _Import:
    """One import run: the batch, what it has stored so far, and the report."""

    def __init__(
        self, *, patient: Patient, actor: User | None, report: ImportReport, entries: list[Entry]
    ) -> None:
        self.patient = patient
        self.actor = actor
        self.report = report
        self.entries = entries
        self.by_key = {entry.key: entry for entry in entries}
        self.by_url = {entry.full_url: entry.key for entry in entries if entry.full_url}
        self.diagnoses: dict[str, CancerDiagnosis] = {}
        self.warnings: list[str] = []

    def run(self) -> None:
        for entry in self._of(Kind.OTHER):
            self.report.acknowledged[entry.resource["resourceType"]] += 1
        for entry in self._of(Kind.WITHDRAWN):
            self._skip(entry.key, _("Marked as entered in error or withdrawn by its source."))
        if not self._one_patient():
            return
        for entry in self._of(Kind.PATIENT):
            self._compare_patient(entry)
        for entry in self._of(Kind.PRIMARY) + self._of(Kind.SECONDARY):
            self._condition(entry)
        self._stages()
        for entry in self._of(Kind.PERFORMANCE):
            self._performance(entry)
        for entry in self._of(Kind.TUMOR_MARKER):
            self._tumor_marker(entry)
        for entry in self._of(Kind.LAB):
            self._lab(entry)
        for entry in self._of(Kind.PREGNANCY):
            self._pregnancy(entry)
        for entry in self._of(Kind.TREATMENT):
            self._treatment(entry)
        self._genomics()

    # --- bookkeeping ----------------------------------------------------------------------

    def _of(self, kind: Kind) -> list[Entry]:
        return [entry for entry in self.entries if entry.kind is kind]

    def _resolve(self, reference: str) -> Entry | None:
        key = reference_key(reference)
        return self.by_key.get(key) or self.by_key.get(self.by_url.get(reference, ""))

    def _skip(self, key: str, reason: str) -> None:
        if key not in self.report.stored and key not in self.report.errors:
            self.report.skipped[key] = reason

    def _fail(self, keys: Sequence[str], message: str) -> None:
        for key in keys:
            self.report.errors[key] = message

    def _stored(self, keys: Sequence[str], kind: str, count: int = 1) -> None:
        for key in keys:
            self.report.stored.setdefault(key, kind)
            self.report.skipped.pop(key, None)
        self.report.created[kind] += count

    def _read(self, keys: Sequence[str], reader: Callable[[], T]) -> T | None:
        try:
            return reader()
        except (McodeError, AlterationError) as error:
            self._fail(keys, str(error))
            return None

    def _attempt(self, keys: Sequence[str], work: Callable[[], T]) -> T | None:
        """Run `work` in its own transaction; on a problem the user can fix, report it."""
        self.warnings = []
        try:
            with transaction.atomic():
                result = work()
        except ValidationError as error:
            message = " ".join(error.messages)
        except (McodeError, AlterationError) as error:
            message = str(error)
        else:
            self.report.warnings.extend(self.warnings)
            return result
        self._fail(keys, message)
        return None

    def _one_patient(self) -> bool:
        oncology = [entry for entry in self.entries if entry.kind in ONCOLOGY]
        subjects = {self._subject(entry) for entry in oncology} - {""}
        if oncology:
            subjects |= {entry.key for entry in self._of(Kind.PATIENT)}
        if len(subjects) <= 1:
            return True
        self._fail(
            [entry.key for entry in oncology],
            _(
                "This import holds the records of %(count)s different patients; "
                "import one patient's records at a time."
            )
            % {"count": len(subjects)},
        )
        return False

    def _subject(self, entry: Entry) -> str:
        key = subject_key(entry.resource)
        return self.by_url.get(key, key)

    # --- the patient and the diagnoses -----------------------------------------------------

    def _compare_patient(self, entry: Entry) -> None:
        resource = entry.resource
        differences: list[str] = []
        mrns = [
            i.get("value")
            for i in resource.get("identifier") or []
            if i.get("system") == codes.MRN_SYSTEM
        ]
        if mrns and self.patient.mrn not in mrns:
            differences.append(_("MRN"))
        names = resource.get("name") or []
        if names:
            name = next((n for n in names if n.get("use") == "official"), names[0])
            family = str(name.get("family") or "")
            given = str((name.get("given") or [""])[0])
            if family and family.casefold() != self.patient.family_name.casefold():
                differences.append(_("family name"))
            if given and given.casefold() != self.patient.given_name.casefold():
                differences.append(_("given name"))
        birth = parse_date(resource.get("birthDate"))
        if birth is not None and birth != self.patient.date_of_birth:
            differences.append(_("date of birth"))
        if resource.get("gender") and resource["gender"] != self.patient.sex:
            differences.append(_("sex"))
        for difference in differences:
            if difference not in self.report.identity_differences:
                self.report.identity_differences.append(difference)
        self._skip(
            entry.key,
            _("Compared with the chosen patient; an import never changes patient details."),
        )

    def _recorded_diagnosis(self, key: str) -> CancerDiagnosis | None:
        source_id = _id_of(key)
        if not source_id:
            return None
        query = Q(source_identifier=source_id)
        if _is_uuid(source_id):
            query |= Q(public_id=source_id)
        return CancerDiagnosis.objects.filter(patient=self.patient).filter(query).first()

    def _diagnosis_by_reference(self, reference: str) -> CancerDiagnosis | None:
        target = self._resolve(reference)
        key = target.key if target is not None else reference_key(reference)
        if key in self.diagnoses:
            return self.diagnoses[key]
        return self._recorded_diagnosis(key) if key.startswith("Condition/") else None

    def _primaries(self) -> list[CancerDiagnosis]:
        """The patient's primary cancers, at most two: enough to tell whether there is one."""
        query = CancerDiagnosis.objects.filter(patient=self.patient, kind=DiagnosisKind.PRIMARY)
        return list(query[:2])

    def _sole_primary(self) -> CancerDiagnosis | None:
        primaries = self._primaries()
        return primaries[0] if len(primaries) == 1 else None

    def _condition(self, entry: Entry) -> None:
        existing = self._recorded_diagnosis(entry.key)
        if existing is not None:
            self.diagnoses[entry.key] = existing
            self._skip(entry.key, _("Already in the record."))
            return
        kind = DiagnosisKind.PRIMARY if entry.kind is Kind.PRIMARY else DiagnosisKind.SECONDARY

        def work() -> CancerDiagnosis:
            fields = diagnosis_fields(entry.resource)
            primary = self._primary_of(entry) if kind == DiagnosisKind.SECONDARY else None
            return services.record_diagnosis(
                patient=self.patient, actor=self.actor, kind=kind, primary=primary, **fields
            )

        diagnosis = self._attempt([entry.key], work)
        if diagnosis is not None:
            self.diagnoses[entry.key] = diagnosis
            self._stored([entry.key], DIAGNOSIS)

    def _primary_of(self, entry: Entry) -> CancerDiagnosis | None:
        reference = related_primary_reference(entry.resource)
        if not reference:
            return self._sole_primary()
        primary = self._diagnosis_by_reference(reference)
        if primary is None or primary.kind != DiagnosisKind.PRIMARY:
            self.warnings.append(
                _(
                    "%(resource)s names a primary cancer (%(primary)s) that is not in the "
                    "record; it was kept without one."
                )
                % {"resource": entry.key, "primary": reference_key(reference)}
            )
            return None
        return primary

    # --- staging ---------------------------------------------------------------------------

    def _stages(self) -> None:
        groups = self._of(Kind.STAGE_GROUP)
        members: dict[str, list[Entry]] = {}
        for group in groups:
            members[group.key] = [
                member
                for member in (
                    self._resolve(ref)
                    for ref in references(group.resource, "hasMember")
                    + references(group.resource, "derivedFrom")
                )
                if member is not None and member.kind is Kind.CATEGORY
            ]
        claimed = {member.key for found in members.values() for member in found}
        # A category the source did not link belongs to the one stage group of the same tumor,
        # day and classification that still lacks its axis.
        for entry in self._of(Kind.CATEGORY):
            if entry.key in claimed:
                continue
            fits = [group for group in groups if _belongs(entry, group, members[group.key])]
            if len(fits) == 1:
                members[fits[0].key].append(entry)
                claimed.add(entry.key)
        for group in groups:
            self._stage(group, members[group.key])
        # Categories without a stage group belong together when they stage the same tumor on
        # the same day with the same classification.
        buckets: dict[tuple[str, str, str], list[Entry]] = {}
        for entry in self._of(Kind.CATEGORY):
            if entry.key in claimed:
                continue
            axis = category_axis(entry.resource)
            bucket = (
                ",".join(references(entry.resource, "focus")),
                str(effective_date(entry.resource)),
                str(axis[1] if axis else ""),
            )
            buckets.setdefault(bucket, []).append(entry)
        for bucket_members in buckets.values():
            self._stage(None, bucket_members)

    def _stage(self, group: Entry | None, members: list[Entry]) -> None:
        keys = ([group.key] if group else []) + [member.key for member in members]
        anchor = group or members[0]
        diagnosis, reason = self._staged_diagnosis(anchor, members)
        if diagnosis is None:
            for key in keys:
                self._skip(key, reason)
            return
        reading = self._read(
            keys,
            lambda: read_stage(
                group.resource if group else None, [member.resource for member in members]
            ),
        )
        if reading is None:
            return
        if not reading.categories and not reading.stage_group:
            for key in keys:
                self._skip(key, _("It holds no stage group or category value."))
            return
        assessed_on = reading.assessed_on
        if assessed_on is None:
            self._fail(keys, _("The stage has no date."))
            return
        if self._stage_recorded(diagnosis, reading, anchor.key, assessed_on):
            for key in keys:
                self._skip(key, _("Already in the record."))
            return
        assessment = self._attempt(
            keys, lambda: self._record_stage(diagnosis, reading, anchor.key, assessed_on)
        )
        if assessment is None:
            return
        if reading.mixed:
            self.report.warnings.append(
                _("%(resource)s mixes clinical and pathological categories; kept as written.")
                % {"resource": anchor.key}
            )
        self._stored(keys, STAGE)

    def _staged_diagnosis(
        self, anchor: Entry, members: list[Entry]
    ) -> tuple[CancerDiagnosis | None, str]:
        for source in [anchor, *members]:
            for reference in references(source.resource, "focus"):
                if not self._resolve_key(reference).startswith("Condition/"):
                    continue
                diagnosis = self._diagnosis_by_reference(reference)
                if diagnosis is not None:
                    return diagnosis, ""
                return None, _(
                    "The cancer diagnosis it stages (%(resource)s) is not in the record."
                ) % {"resource": self._resolve_key(reference)}
        for key, diagnosis in self.diagnoses.items():
            condition = self.by_key.get(key)
            if condition is not None and anchor.key in _assessment_keys(condition.resource):
                return diagnosis, ""
        primaries = self._primaries()
        if len(primaries) == 1:
            return primaries[0], ""
        if not primaries:
            return None, _(
                "The patient has no cancer diagnosis to stage; import the condition it "
                "belongs to with it."
            )
        return None, _(
            "The patient has more than one primary cancer and it does not say which one it stages."
        )

    def _resolve_key(self, reference: str) -> str:
        target = self._resolve(reference)
        return target.key if target is not None else reference_key(reference)

    def _stage_recorded(
        self, diagnosis: CancerDiagnosis, reading: StageReading, key: str, assessed_on: date
    ) -> bool:
        source_id = _id_of(key)
        if (
            _is_uuid(source_id)
            and StageAssessment.objects.filter(
                diagnosis__patient=self.patient, public_id=source_id
            ).exists()
        ):
            return True
        wanted = tuple(reading.bare.get(axis, "") for axis in "tnm")
        for stage in StageAssessment.objects.filter(
            diagnosis=diagnosis, classification=reading.classification, assessed_on=assessed_on
        ):
            found = tuple(codes.split_category(v)[1] for v in (stage.t, stage.n, stage.m))
            if found == wanted and (any(wanted) or stage.stage_group == reading.stage_group):
                return True
        return False

    def _record_stage(
        self, diagnosis: CancerDiagnosis, reading: StageReading, key: str, assessed_on: date
    ) -> StageAssessment:
        # Our tables are AJCC 8th edition: a stage by other rules, or a bare stage group with
        # no categories to compute from, stays as the source reported it.
        scheme = staging_scheme(diagnosis) if reading.method in ("", codes.AJCC8) else None
        if scheme is not None and reading.categories:
            try:
                assessment = services.stage_tumor(
                    diagnosis=diagnosis,
                    actor=self.actor,
                    scheme=scheme,
                    classification=reading.classification,
                    categories=reading.categories,
                    assessed_on=assessed_on,
                )
            except staging.StagingError as error:
                self.warnings.append(
                    _(
                        "%(resource)s could not be staged with medcenter's rules (%(problem)s); "
                        "it is kept as reported."
                    )
                    % {"resource": key, "problem": " ".join(error.messages)}
                )
            else:
                if reading.stage_group and assessment.stage_group != reading.stage_group:
                    self.warnings.append(
                        _(
                            "%(resource)s reports stage %(reported)s; medcenter's rules give "
                            "%(computed)s, which the record keeps."
                        )
                        % {
                            "resource": key,
                            "reported": reading.stage_group,
                            "computed": assessment.stage_group or "-",
                        }
                    )
                return assessment
        written = {
            axis: label if len(label) <= 10 else codes.split_category(label)[1]
            for axis, label in reading.categories.items()
        }
        return services.record_reported_stage(
            diagnosis=diagnosis,
            actor=self.actor,
            system=codes.STAGING_METHODS.get(reading.method)
            or reading.method_display[:48]
            or "mCODE",
            classification=reading.classification,
            t=written.get("t", ""),
            n=written.get("n", ""),
            m=written.get("m", ""),
            stage_group=reading.stage_group[:20],
            assessed_on=assessed_on,
        )

    # --- performance status and tumor markers ----------------------------------------------

    def _performance(self, entry: Entry) -> None:
        resource = entry.resource
        scale = (
            PerformanceScale.ECOG
            if code_in(resource.get("code"), codes.LOINC) == codes.ECOG
            else PerformanceScale.KARNOFSKY
        )
        value = self._read([entry.key], lambda: performance_score(resource))
        if value is None:
            return
        observed_on = effective_date(resource)
        if observed_on is None:
            self._fail([entry.key], _("The performance status has no date."))
            return
        recorded = PerformanceStatus.objects.filter(patient=self.patient)
        if (
            _recorded(recorded, entry.key)
            or recorded.filter(scale=scale, value=value, observed_on=observed_on).exists()
        ):
            self._skip(entry.key, _("Already in the record."))
            return
        status = self._attempt(
            [entry.key],
            lambda: services.record_performance_status(
                patient=self.patient,
                actor=self.actor,
                scale=scale,
                value=value,
                observed_on=observed_on,
            ),
        )
        if status is not None:
            self._stored([entry.key], PERFORMANCE_STATUS)

    def _tumor_marker(self, entry: Entry) -> None:
        resource = entry.resource
        code = resource.get("code") or {}
        loinc = code_in(code, codes.LOINC)[:20]
        name = text_of(code)[:200]
        value = self._read([entry.key], lambda: marker_value(resource)[:200])
        if value is None:
            return
        observed_on = effective_date(resource)
        recorded = TumorMarker.objects.filter(patient=self.patient)
        if (
            _recorded(recorded, entry.key)
            or recorded.filter(
                loinc_code=loinc, name=name, value=value, observed_on=observed_on
            ).exists()
        ):
            self._skip(entry.key, _("Already in the record."))
            return
        marker = self._attempt(
            [entry.key],
            lambda: services.record_tumor_marker(
                patient=self.patient,
                actor=self.actor,
                name=name,
                value=value,
                loinc_code=loinc,
                interpretation=marker_interpretation(resource),
                observed_on=observed_on,
            ),
        )
        if marker is not None:
            self._stored([entry.key], TUMOR_MARKER)

    def _lab(self, entry: Entry) -> None:
        resource = entry.resource
        test = codes.LAB_TEST_BY_LOINC[code_in(resource.get("code"), codes.LOINC)]
        quantity = resource.get("valueQuantity") or {}
        value = quantity.get("value")
        observed_on = effective_date(resource)
        if not isinstance(value, int | float) or observed_on is None:
            self._skip(entry.key, _("The laboratory result has no number or no date."))
            return
        if quantity.get("comparator"):
            self._skip(entry.key, _("The result is a bound (such as < 0.2), not a value."))
            return
        # The UCUM code first (10*3/uL), then the unit as displayed (x10E3/uL).
        spellings = [str(quantity.get(k) or "")[:20] for k in ("code", "unit")]
        unit = next(
            (u for u in spellings if u and labunits.to_canonical(test, 1.0, u) is not None),
            spellings[1] or spellings[0],
        )
        if labunits.known_units(test) and labunits.to_canonical(test, 1.0, unit) is None:
            self._skip(
                entry.key,
                _("%(unit)s is not a unit the record takes for this test.")
                % {"unit": unit or _("No unit")},
            )
            return
        high = next(
            (
                r["high"].get("value")
                for r in resource.get("referenceRange") or []
                if isinstance(r, dict) and isinstance(r.get("high"), dict)
            ),
            None,
        )
        recorded = LabResult.objects.filter(patient=self.patient)
        if (
            _recorded(recorded, entry.key)
            or recorded.filter(test=test, value=value, observed_on=observed_on).exists()
        ):
            self._skip(entry.key, _("Already in the record."))
            return
        result = self._attempt(
            [entry.key],
            lambda: services.record_lab_result(
                patient=self.patient,
                actor=self.actor,
                test=test,
                value=float(value),
                unit=unit,
                upper_limit=float(high) if isinstance(high, int | float) and high > 0 else None,
                observed_on=observed_on,
            ),
        )
        if result is not None:
            self._stored([entry.key], LAB_RESULT)

    def _pregnancy(self, entry: Entry) -> None:
        resource = entry.resource
        if code_in(resource.get("code"), codes.BREASTFEEDING_SYSTEM) == codes.BREASTFEEDING:
            if resource.get("valueBoolean") is not True:
                self._skip(entry.key, _("Only a breastfeeding status of yes is kept."))
                return
            status = PregnancyState.BREASTFEEDING
        else:
            answer = code_in(resource.get("valueCodeableConcept"), codes.LOINC)
            found = {codes.PREGNANT: PregnancyState.PREGNANT, codes.NOT_PREGNANT: None}
            if answer not in found:
                self._skip(entry.key, _("The pregnancy status is neither pregnant nor not."))
                return
            status = found[answer] or PregnancyState.NOT_PREGNANT
        observed_on = effective_date(resource)
        if observed_on is None:
            self._skip(entry.key, _("The pregnancy status has no date."))
            return
        recorded = PregnancyStatus.objects.filter(patient=self.patient)
        if (
            _recorded(recorded, entry.key)
            or recorded.filter(status=status, observed_on=observed_on).exists()
        ):
            self._skip(entry.key, _("Already in the record."))
            return
        kept = self._attempt(
            [entry.key],
            lambda: services.record_pregnancy_status(
                patient=self.patient, actor=self.actor, status=status, observed_on=observed_on
            ),
        )
        if kept is not None:
            self._stored([entry.key], PREGNANCY_STATUS)

    def _treatment(self, entry: Entry) -> None:
        resource = entry.resource
        regimen = text_of(resource.get("medicationCodeableConcept"))
        period = resource.get("effectivePeriod") or {}
        started_on = parse_date(period.get("start"))
        ended_on = parse_date(period.get("end"))
        setting = str(extension_value(resource, codes.THERAPY_SETTING_URL) or "")
        line = extension_value(resource, codes.LINE_OF_THERAPY_URL)
        reason = code_in(
            (resource.get("statusReason") or [{}])[0] if resource.get("statusReason") else {},
            codes.STOP_REASON_SYSTEM,
        )
        if not regimen or started_on is None or setting not in TherapySetting.values:
            self._skip(entry.key, _("The treatment has no regimen, start date or setting."))
            return
        recorded = TreatmentCourse.objects.filter(patient=self.patient)
        if (
            _recorded(recorded, entry.key)
            or recorded.filter(regimen=regimen[:200], started_on=started_on).exists()
        ):
            self._skip(entry.key, _("Already in the record."))
            return
        course = self._attempt(
            [entry.key],
            lambda: services.record_treatment_course(
                patient=self.patient,
                actor=self.actor,
                regimen=regimen,
                setting=setting,
                line=line if isinstance(line, int) else None,
                started_on=started_on,
                ended_on=ended_on,
                stop_reason=reason if reason in StopReason.values and ended_on else "",
            ),
        )
        if course is not None:
            self._stored([entry.key], TREATMENT_COURSE)

    # --- genomics --------------------------------------------------------------------------

    def _genomics(self) -> None:
        claimed: set[str] = set()
        for entry in self._of(Kind.GENOMICS_REPORT):
            refs = references(entry.resource, "result")
            results = [self._resolve(ref) for ref in refs]
            parts = [r for r in results if r is not None and r.kind in (Kind.VARIANT, Kind.REGION)]
            claimed.update(part.key for part in parts)
            missing = [ref for ref, result in zip(refs, results, strict=True) if result is None]
            if not parts:
                # Without its variants a report would read as "nothing found".
                self._skip(
                    entry.key,
                    _("Its results are not in this import; import the report with its results.")
                    if missing or not refs
                    else _("None of its results is a variant or a list of genes studied."),
                )
                continue
            if missing:
                self.report.warnings.append(
                    _(
                        "%(resource)s: %(count)s of its results are not in this import "
                        "(%(missing)s); it was kept with the others."
                    )
                    % {
                        "resource": entry.key,
                        "count": len(missing),
                        "missing": ", ".join(reference_key(ref) for ref in missing),
                    }
                )
            self._genotyping(entry, parts)
        for entry in self._of(Kind.VARIANT):
            if entry.key not in claimed:
                self._genotyping(None, [entry])
        for entry in self._of(Kind.REGION):
            if entry.key not in claimed:
                self._skip(
                    entry.key,
                    _(
                        "It lists the genes a test covered; it is kept only with its genomics "
                        "report."
                    ),
                )

    def _genotyping(self, report_entry: Entry | None, parts: list[Entry]) -> None:
        keys = ([report_entry.key] if report_entry else []) + [part.key for part in parts]
        found = self._read(keys, lambda: _alterations(parts))
        if found is None:
            return
        alterations, genes_covered = found
        if report_entry is None and not alterations:
            self._skip(
                keys[0],
                _(
                    "It reports that no variant was found (a pertinent negative); it is kept "
                    "only with its genomics report."
                ),
            )
            return
        sources = [p.resource for p in ([report_entry] if report_entry else []) + parts]
        reported_on = next((d for d in map(effective_date, sources) if d is not None), None)
        if reported_on is None:
            self._fail(keys, _("The genomics report has no date."))
            return
        test_name = self._test_name(report_entry, parts)[:200]
        if self._genotyping_recorded(keys[0], test_name, reported_on, alterations):
            for key in keys:
                self._skip(key, _("Already in the record."))
            return
        diagnosis = self._sole_primary()
        tumor_type = diagnosis.oncotree_code if diagnosis and diagnosis.oncotree_code else None
        genotyping = self._attempt(
            keys,
            lambda: services.record_genotyping_report(
                patient=self.patient,
                actor=self.actor,
                test_name=test_name,
                tumor_type=tumor_type or SOLID_TUMOR,
                reported_on=reported_on,
                alterations=alterations,
                source_format=ReportFormat.FHIR,
                diagnosis=diagnosis,
                genes_covered=genes_covered,
                specimen=self._specimen(sources)[:200],
            ),
        )
        if genotyping is not None:
            self._stored(keys, GENOTYPING_REPORT)
            if alterations:
                self.report.created[VARIANT] += len(alterations)

    def _test_name(self, report_entry: Entry | None, parts: list[Entry]) -> str:
        if report_entry is not None:
            for reference in references(report_entry.resource, "basedOn"):
                order = self._resolve(reference)
                if order is not None and text_of(order.resource.get("code")):
                    return text_of(order.resource.get("code"))
            return text_of(report_entry.resource.get("code")) or "Genetic analysis report"
        resource = parts[0].resource
        return text_of(resource.get("method")) or "Genetic variant assessment"

    def _specimen(self, sources: list[Json]) -> str:
        texts: list[str] = []
        for source in sources:
            for item in source.get("specimen") or []:
                target = self._resolve(reference_key(item))
                text = specimen_text(target.resource) if target else str(item.get("display") or "")
                if text and text not in texts:
                    texts.append(text)
            if texts:
                break
        return "; ".join(texts)

    def _genotyping_recorded(
        self, key: str, test_name: str, reported_on: date, alterations: list[Alteration]
    ) -> bool:
        reports = GenotypingReport.objects.filter(patient=self.patient)
        if _recorded(reports, key):
            return True
        wanted = sorted(_alteration_key(a) for a in alterations)
        for existing in reports.filter(
            test_name=test_name, reported_on=reported_on
        ).prefetch_related("variants"):
            found = sorted((v.gene, v.kind, v.protein_change) for v in existing.variants.all())
            if found == wanted:
                return True
        return False


def _recorded(queryset: QuerySet[Any], key: str) -> bool:
    """Whether `key` names one of our own exported records (its id is our public id)."""
    source_id = _id_of(key)
    return _is_uuid(source_id) and queryset.filter(public_id=source_id).exists()


def _belongs(category: Entry, group: Entry, members: list[Entry]) -> bool:
    axis = category_axis(category.resource)
    taken = {found[0] for found in map(category_axis, (m.resource for m in members)) if found}
    when = effective_date(category.resource)
    focus = references(category.resource, "focus")
    return (
        axis is not None
        and axis[0] not in taken
        and when is not None
        and when == effective_date(group.resource)
        and axis[1] == stage_group_classification(group.resource)
        and (not focus or focus == references(group.resource, "focus"))
    )


def _assessment_keys(condition: Json) -> set[str]:
    return {
        reference_key(assessment)
        for stage in condition.get("stage") or []
        for assessment in stage.get("assessment") or []
    }


def _alterations(parts: list[Entry]) -> tuple[list[Alteration], list[str]]:
    alterations: list[Alteration] = []
    genes: list[str] = []
    for part in parts:
        for gene in genes_studied(part.resource, every_coding=part.kind is Kind.REGION):
            if gene not in genes:
                genes.append(gene)
        if part.kind is Kind.VARIANT and not is_pertinent_negative(part.resource):
            alterations.append(variant_alteration(part.resource))
    return alterations, genes


def _alteration_key(alteration: Alteration) -> tuple[str, str, str]:
    protein = (alteration.protein.hgvs or "") if alteration.protein else ""
    return alteration.gene, str(alteration.kind), protein
