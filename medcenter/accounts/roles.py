"""Staff roles: Django groups with explicit permissions, kept in step by `sync_roles`.

A role is granted by adding the person to its group. Administrators manage accounts and
settings; they are never also in a clinical role (see services.assign_role).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    name: str
    label: str | Promise
    permissions: tuple[str, ...]
    clinical: bool = False
    may_break_glass: bool = False


PATIENT_READ = ("patients.view_patient",)
DIRECTORY_EDIT = tuple(
    f"directory.{action}_{model}"
    for model in (
        "program",
        "clinician",
        "location",
        "condition",
        "conditionterm",
        "specialty",
        "programteammember",
    )
    for action in ("view", "add", "change")
)
PATIENT_WRITE = ("patients.add_patient", "patients.change_patient")
ONCOLOGY_READ = ("oncology.view_oncology_record",)
ONCOLOGY_WRITE = tuple(
    f"oncology.add_{model}"
    for model in (
        "cancerdiagnosis",
        "stageassessment",
        "performancestatus",
        "genotypingreport",
        "treatmentcourse",
        "labresult",
        "pregnancystatus",
        "metastasisassessment",
        "treatmenthistoryreview",
    )
)
SCHEDULE_READ = ("scheduling.view_schedule", "scheduling.view_appointment")
SCHEDULE_WRITE = ("scheduling.add_appointment", "scheduling.change_appointment")
REFERRAL_WORK = ("scheduling.view_referral", "scheduling.triage_referral")
INTERNATIONAL_WORK = (
    "international.view_case",
    "international.coordinate_case",
    "international.record_payment",
    "international.override_clearance",
    "international.manage_prices",
)
TRIAL_WORK = ("trials.view_trial", "trials.prescreen_trial", "trials.manage_trial")
BOARD_WORK = (
    "tumorboards.submit_case",
    "tumorboards.run_board",
    "tumorboards.view_board_metrics",
    "tumorboards.manage_board",
    "careplans.manage_careplan",
)
NAVIGATION = ("tumorboards.run_board", "careplans.navigate")

ROLES = (
    Role(
        "scheduler",
        _("Scheduler"),
        (
            *PATIENT_READ,
            *PATIENT_WRITE,
            "patients.issue_activation_code",
            "patients.reconcile_patient",
            *SCHEDULE_READ,
            *SCHEDULE_WRITE,
            "scheduling.overbook_appointment",
            *REFERRAL_WORK,
            "messaging.work_inbox",
        ),
    ),
    Role(
        "nurse_navigator",
        _("Nurse navigator"),
        (
            *PATIENT_READ,
            *PATIENT_WRITE,
            "patients.issue_activation_code",
            "patients.reconcile_patient",
            "patients.manage_proxies",
            "patients.break_glass",
            *ONCOLOGY_READ,
            "oncology.add_performancestatus",
            "oncology.add_labresult",
            "oncology.add_pregnancystatus",
            *SCHEDULE_READ,
            *SCHEDULE_WRITE,
            *REFERRAL_WORK,
            "messaging.work_inbox",
            "questionnaires.work_symptom_alerts",
            *NAVIGATION,
        ),
        clinical=True,
        may_break_glass=True,
    ),
    Role(
        "clinician",
        _("Clinician"),
        (
            *PATIENT_READ,
            "patients.change_patient",
            "patients.break_glass",
            *ONCOLOGY_READ,
            *ONCOLOGY_WRITE,
            *SCHEDULE_READ,
            "trials.view_trial",
            "international.view_case",
            "international.review_case",
            "results.hold_resultreport",
            *BOARD_WORK,
        ),
        clinical=True,
        may_break_glass=True,
    ),
    Role(
        "international_coordinator",
        _("International coordinator"),
        (
            *PATIENT_READ,
            *PATIENT_WRITE,
            "patients.issue_activation_code",
            *SCHEDULE_READ,
            *SCHEDULE_WRITE,
            *INTERNATIONAL_WORK,
            "messaging.work_inbox",
        ),
    ),
    Role(
        "trial_coordinator",
        _("Trial coordinator"),
        (*PATIENT_READ, *ONCOLOGY_READ, *TRIAL_WORK, "messaging.work_inbox"),
    ),
    Role(
        "giving_officer",
        _("Giving officer"),
        (
            "giving.view_gift",
            "giving.refund_gift",
            "giving.export_gift",
            "giving.reconcile_gift",
            "giving.screen_caregivernote",
            "giving.build_fundraising_list",
            "giving.add_fund",
            "giving.change_fund",
            "giving.add_campaign",
            "giving.change_campaign",
            "giving.add_matchinggift",
            "giving.change_matchinggift",
        ),
    ),
    Role(
        "quality_analyst",
        _("Quality analyst"),
        (
            "tumorboards.view_board_metrics",
            "quality.view_dashboard",
            "quality.enter_figures",
            "quality.publish_month",
        ),
    ),
    Role(
        "content_editor",
        _("Content editor"),
        ("accounts.view_styleguide", *DIRECTORY_EDIT, "research.confirm_authorship"),
    ),
    Role(
        "privacy_officer",
        _("Privacy officer"),
        ("core.review_access", "patients.review_break_glass"),
    ),
    Role(
        "administrator",
        _("Administrator"),
        (
            "accounts.view_user",
            "accounts.add_user",
            "accounts.change_user",
            "auth.view_group",
            "accounts.view_styleguide",
        ),
    ),
)

ROLE_BY_NAME = {role.name: role for role in ROLES}
CLINICAL_ROLES = frozenset(role.name for role in ROLES if role.clinical)
