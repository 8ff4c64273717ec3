"""The oncology record: what a tumor is, how far it has spread, what drives it.

Shaped after HL7 mCODE (PrimaryCancerCondition, SecondaryCancerCondition, TNM staging,
ECOG / Karnofsky, TumorMarkerTest, GenomicVariant), with the center's own words. Every row
belongs to one patient and is read only through selectors that check access and audit.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medcenter.core.models import PublicModel
from medcenter.oncology import labunits
from medcenter.patients.models import Patient


class DiagnosisKind(models.TextChoices):
    PRIMARY = "primary", _("Primary cancer")
    SECONDARY = "secondary", _("Metastatic site")


class Laterality(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    BILATERAL = "bilateral", _("Both sides")
    MIDLINE = "midline", _("Midline")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class DiagnosisBasis(models.TextChoices):
    """How the diagnosis was made (after the SEER basis-of-diagnosis codes)."""

    UNKNOWN = "", _("Not recorded")
    CLINICAL = "clinical", _("Clinical only")
    IMAGING = "imaging", _("Imaging")
    LAB_MARKER = "lab_marker", _("Tumor marker")
    CYTOLOGY = "cytology", _("Cytology")
    HISTOLOGY_METASTASIS = "histology_metastasis", _("Histology of a metastasis")
    HISTOLOGY_PRIMARY = "histology_primary", _("Histology of the primary tumor")


class ClinicalStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RECURRENCE = "recurrence", _("Recurrence")
    REMISSION = "remission", _("In remission")
    RESOLVED = "resolved", _("Resolved")
    UNKNOWN = "unknown", _("Unknown")


class RecordEntry(PublicModel):
    """A row of a patient's oncology record, with the user who entered it (none for imports
    and the demo)."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class CancerDiagnosis(RecordEntry):
    """A primary cancer, or a metastatic site of one (mCODE Primary/SecondaryCancerCondition)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cancer_diagnoses")
    kind = models.CharField(max_length=10, choices=DiagnosisKind.choices)
    primary = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="metastases"
    )
    description = models.CharField(_("diagnosis"), max_length=200)
    oncotree_code = models.CharField(_("OncoTree code"), max_length=20, blank=True)
    icd10_code = models.CharField(_("ICD-10-CM code"), max_length=10, blank=True)
    icdo3_topography = models.CharField(_("ICD-O-3 topography"), max_length=10, blank=True)
    icdo3_morphology = models.CharField(_("ICD-O-3 morphology"), max_length=10, blank=True)
    snomed_code = models.CharField(_("SNOMED CT code"), max_length=20, blank=True)
    body_site = models.CharField(_("body site"), max_length=200, blank=True)
    laterality = models.CharField(
        _("laterality"), max_length=16, choices=Laterality.choices, blank=True
    )
    histology = models.CharField(_("histology"), max_length=200, blank=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    diagnosed_on = models.DateField(_("date of diagnosis"), null=True, blank=True)
    basis = models.CharField(
        _("basis of diagnosis"), max_length=24, choices=DiagnosisBasis.choices, blank=True
    )
    clinical_status = models.CharField(
        _("status"), max_length=12, choices=ClinicalStatus.choices, default=ClinicalStatus.ACTIVE
    )
    source_identifier = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "-diagnosed_on", "id"]
        verbose_name = _("cancer diagnosis")
        verbose_name_plural = _("cancer diagnoses")
        permissions = [("view_oncology_record", "Can view patients' oncology records")]

    def __str__(self) -> str:
        return self.description


class SiteTreatment(models.TextChoices):
    NOT_RECORDED = "", _("Not recorded")
    UNTREATED = "untreated", _("Not treated yet")
    TREATED = "treated", _("Treated (surgery or radiotherapy)")


class SiteActivity(models.TextChoices):
    NOT_RECORDED = "", _("Not recorded")
    STABLE = "stable", _("Stable")
    PROGRESSING = "progressing", _("Growing or new")


class MetastasisAssessment(RecordEntry):
    """How a metastatic site stands on a date: treated or not, stable or growing, causing
    symptoms or not. Trials ask this of brain metastases above all ("treated and stable
    brain metastases are allowed"). Never overwritten: the rows are the site's history."""

    diagnosis = models.ForeignKey(
        CancerDiagnosis, on_delete=models.PROTECT, related_name="site_assessments"
    )
    assessed_on = models.DateField()
    treatment = models.CharField(max_length=12, choices=SiteTreatment.choices, blank=True)
    activity = models.CharField(max_length=12, choices=SiteActivity.choices, blank=True)
    symptomatic = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.diagnosis} on {self.assessed_on}"


class StageClassification(models.TextChoices):
    CLINICAL = "clinical", _("Clinical (c)")
    PATHOLOGICAL = "pathological", _("Pathological (p)")
    POST_THERAPY_CLINICAL = "post_therapy_clinical", _("Post-therapy clinical (yc)")
    POST_THERAPY_PATHOLOGICAL = "post_therapy_pathological", _("Post-therapy pathological (yp)")


class StageAssessment(RecordEntry):
    """One staging of one diagnosis: the categories, the group, and the rules that gave them.

    Clinical, pathological and post-therapy stages are separate rows; a new assessment never
    overwrites an earlier one, so the stage history stays.
    """

    diagnosis = models.ForeignKey(CancerDiagnosis, on_delete=models.PROTECT, related_name="stages")
    scheme = models.CharField(max_length=40)
    classification = models.CharField(max_length=30, choices=StageClassification.choices)
    t = models.CharField(max_length=10, blank=True)
    n = models.CharField(max_length=10, blank=True)
    m = models.CharField(max_length=10, blank=True)
    grade = models.CharField(max_length=10, blank=True)
    stage_group = models.CharField(max_length=20, blank=True)
    stage_group_note = models.CharField(max_length=300, blank=True)
    rule_version = models.CharField(max_length=60)
    facts = models.JSONField(default=dict, blank=True)
    assessed_on = models.DateField()
    # The patient sees a stage in the Patient Gateway only once a clinician has talked it
    # through and released it (`release_stage_to_patient`); until then, the diagnosis alone.
    released_to_patient_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.scheme} {self.stage_group or '-'}"


class PerformanceScale(models.TextChoices):
    ECOG = "ecog", _("ECOG")
    KARNOFSKY = "karnofsky", _("Karnofsky")


class PerformanceStatus(RecordEntry):
    """How well the patient manages daily life, over time (ECOG 0-5 or Karnofsky 0-100)."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="performance_statuses"
    )
    scale = models.CharField(max_length=10, choices=PerformanceScale.choices)
    value = models.PositiveSmallIntegerField()
    observed_on = models.DateField()

    class Meta:
        ordering = ["-observed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(scale="ecog", value__lte=5))
                | (models.Q(scale="karnofsky", value__lte=100)),
                name="performance_status_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scale_display()} {self.value}"


class TumorMarker(PublicModel):
    """A tumor marker result (mCODE TumorMarkerTest): HER2, ER, PR, PSA, CEA, PD-L1…"""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="tumor_markers")
    loinc_code = models.CharField(max_length=20, blank=True)
    name = models.CharField(max_length=200)
    value = models.CharField(max_length=200)
    interpretation = models.CharField(max_length=40, blank=True)
    observed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-observed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


class ReportFormat(models.TextChoices):
    VCF = "vcf", "VCF"
    MAF = "maf", "MAF"
    TABLE = "table", _("Table")
    FHIR = "fhir", "FHIR"
    MANUAL = "manual", _("Entered by hand")


class GenotypingReport(RecordEntry):
    """One tumor genotyping test: the panel, the specimen, and the alterations it found."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="genotyping_reports"
    )
    diagnosis = models.ForeignKey(
        CancerDiagnosis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="genotyping_reports",
    )
    test_name = models.CharField(_("test or panel"), max_length=200)
    genes_covered = models.JSONField(default=list, blank=True)
    specimen = models.CharField(_("specimen"), max_length=200, blank=True)
    tumor_content_percent = models.PositiveSmallIntegerField(
        _("tumor content (%)"), null=True, blank=True
    )
    tumor_type = models.CharField(_("tumor type (OncoTree)"), max_length=20)
    reported_on = models.DateField(_("report date"))
    source_format = models.CharField(max_length=10, choices=ReportFormat.choices)
    knowledge_version = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.test_name} {self.reported_on}"


class Variant(models.Model):
    """One alteration found by a genotyping test, normalized, with what it points to.

    `annotation` keeps the therapies and levels as the knowledge base gave them when the
    report was annotated; `GenotypingReport.knowledge_version` says which release that was.
    """

    report = models.ForeignKey(GenotypingReport, on_delete=models.CASCADE, related_name="variants")
    gene = models.CharField(max_length=20)
    kind = models.CharField(max_length=20)
    protein_change = models.CharField(max_length=80, blank=True)  # HGVS p. (three-letter)
    protein_short = models.CharField(max_length=60, blank=True)  # one-letter, as clinicians say
    fusion_partner = models.CharField(max_length=20, blank=True)
    classes = models.JSONField(default=list, blank=True)
    allele_fraction = models.FloatField(null=True, blank=True)
    copy_number = models.FloatField(null=True, blank=True)
    hotspot = models.BooleanField(default=False)
    chromosome = models.CharField(max_length=10, blank=True)
    position = models.BigIntegerField(null=True, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    alternate = models.CharField(max_length=200, blank=True)
    annotation = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["report", "gene", "id"]

    def __str__(self) -> str:
        return f"{self.gene} {self.protein_short or self.kind}"


class TherapySetting(models.TextChoices):
    NEOADJUVANT = "neoadjuvant", _("Neoadjuvant (before surgery)")
    ADJUVANT = "adjuvant", _("Adjuvant (after surgery)")
    PERIOPERATIVE = "perioperative", _("Perioperative")
    ADVANCED = "advanced", _("Advanced or metastatic disease")
    MAINTENANCE = "maintenance", _("Maintenance")


class StopReason(models.TextChoices):
    NOT_STOPPED = "", _("Not stopped")
    COMPLETED = "completed", _("Completed as planned")
    PROGRESSION = "progression", _("Disease progression")
    TOXICITY = "toxicity", _("Side effects")
    PATIENT_CHOICE = "patient_choice", _("Patient's choice")
    OTHER = "other", _("Other reason")


class TreatmentCourse(RecordEntry):
    """A course of systemic anticancer therapy: a regimen given over a period (after mCODE's
    CancerRelatedMedicationAdministration, one row per regimen and line, not per dose).

    `line` numbers the treatments for advanced or metastatic disease (first line, second
    line, ...); trials ask how many a patient has had and which drugs.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="treatment_courses")
    regimen = models.CharField(max_length=200)  # as written: "carboplatin + pemetrexed"
    agents = models.JSONField(default=list, blank=True)  # one name per drug of the regimen
    setting = models.CharField(max_length=20, choices=TherapySetting.choices)
    line = models.PositiveSmallIntegerField(null=True, blank=True)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    stop_reason = models.CharField(max_length=20, choices=StopReason.choices, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="treatment_course_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(line__isnull=True) | models.Q(line__gte=1, line__lte=20),
                name="treatment_course_line_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regimen} ({self.get_setting_display()})"


class TreatmentHistoryReview(RecordEntry):
    """A clinician's statement that the recorded treatment courses are the patient's whole
    history of systemic anticancer therapy as of a date: with none recorded, the patient is
    treatment-naive, which trials ask ("no prior systemic therapy for advanced disease")."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="treatment_history_reviews"
    )
    reviewed_on = models.DateField()

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"treatment history complete as of {self.reviewed_on}"


class LabTest(models.TextChoices):
    """The laboratory tests trials set limits on (keys of labunits.CANONICAL)."""

    # Labels from labunits.NAMES, which the trial matcher's evidence uses too.
    ANC = "anc", _(labunits.NAMES["anc"])
    PLATELETS = "platelets", _(labunits.NAMES["platelets"])
    HEMOGLOBIN = "hemoglobin", _(labunits.NAMES["hemoglobin"])
    CREATININE = "creatinine", _(labunits.NAMES["creatinine"])
    CREATININE_CLEARANCE = "creatinine_clearance", _(labunits.NAMES["creatinine_clearance"])
    BILIRUBIN = "bilirubin", _(labunits.NAMES["bilirubin"])
    AST = "ast", _(labunits.NAMES["ast"])
    ALT = "alt", _(labunits.NAMES["alt"])
    ALBUMIN = "albumin", _(labunits.NAMES["albumin"])
    INR = "inr", _(labunits.NAMES["inr"])


class LabResult(RecordEntry):
    """One laboratory result, in the unit the laboratory reported, with its upper limit of
    normal when given (trials set liver limits as multiples of it)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="lab_results")
    test = models.CharField(max_length=30, choices=LabTest.choices)
    value = models.FloatField()
    unit = models.CharField(max_length=20, blank=True)
    upper_limit = models.FloatField(null=True, blank=True)
    observed_on = models.DateField()

    class Meta:
        ordering = ["-observed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="lab_result_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(upper_limit__isnull=True) | models.Q(upper_limit__gt=0),
                name="lab_result_upper_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_test_display()} {self.value:g} {self.unit}".strip()


class PregnancyState(models.TextChoices):
    NOT_PREGNANT = "not_pregnant", _("Not pregnant")
    PREGNANT = "pregnant", _("Pregnant")
    BREASTFEEDING = "breastfeeding", _("Breastfeeding")


class PregnancyStatus(RecordEntry):
    """Whether the patient is pregnant or breastfeeding, as of a date (most trials exclude
    both; a status goes stale, so the matcher reads only a recent one)."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="pregnancy_statuses"
    )
    status = models.CharField(max_length=20, choices=PregnancyState.choices)
    observed_on = models.DateField()

    class Meta:
        ordering = ["-observed_on", "-id"]
        verbose_name_plural = "pregnancy statuses"

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.observed_on})"
