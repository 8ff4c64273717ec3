"""Demo oncology records for the fictional patients: staged through the engine, genotyped
through the importer, so the demo shows what the product computes."""

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from medcenter.core.seeding import DemoLogin
from medcenter.oncology import services
from medcenter.oncology.models import CancerDiagnosis
from medcenter.patients.demo import PATIENT_DOMAIN
from medcenter.patients.models import Patient

TALIA_PANEL = b"""gene\tprotein_change\tkind\tvaf
EGFR\tp.E746_A750del\tindel\t0.31
TP53\tp.R273H\tSNV\t0.42
CDKN2A\t\tloss\t
"""
OREN_PANEL = b"""gene\tprotein_change\tkind\tvaf
IDH1\tR132C\tSNV\t0.38
TERT\t\texpression\t
"""


def seed(*, rng: random.Random) -> list[DemoLogin]:
    from medcenter.accounts.demo import staff_email

    clinician = get_user_model().objects.get(email=staff_email("clinician"))
    today = timezone.localdate()
    talia = Patient.objects.get(email=f"talia.brightwater@{PATIENT_DOMAIN}")
    oren = Patient.objects.get(email=f"oren.castellane@{PATIENT_DOMAIN}")
    mila = Patient.objects.filter(given_name="Mila", family_name="Fenwick").first()
    if CancerDiagnosis.objects.filter(patient=talia).exists():
        return []

    lung = services.record_diagnosis(
        patient=talia,
        actor=clinician,
        description="Adenocarcinoma of the right upper lobe of the lung",
        oncotree_code="LUAD",
        icd10_code="C34.11",
        icdo3_topography="C34.1",
        icdo3_morphology="8140/3",
        body_site="Right upper lobe of lung",
        laterality="right",
        histology="Adenocarcinoma, acinar predominant",
        diagnosed_on=today - timedelta(days=75),
        basis="histology_primary",
    )
    services.stage_tumor(
        diagnosis=lung,
        actor=clinician,
        scheme="nsclc",
        classification="clinical",
        facts={"size_cm": 3.6, "node_sites": ["ipsilateral hilar"], "metastasis_sites": []},
        assessed_on=today - timedelta(days=70),
    )
    services.record_performance_status(
        patient=talia,
        actor=clinician,
        scale="ecog",
        value=1,
        observed_on=today - timedelta(days=70),
    )
    _labs(talia, clinician, today, creatinine_umol=71, ast=24, alt=19)
    services.confirm_treatment_history(  # not treated yet
        patient=talia, actor=clinician, reviewed_on=today - timedelta(days=6)
    )
    services.record_pregnancy_status(
        patient=talia,
        actor=clinician,
        status="not_pregnant",
        observed_on=today - timedelta(days=6),
    )
    services.record_tumor_marker(
        patient=talia,
        actor=clinician,
        name="PD-L1 tumor proportion score",
        value="30%",
        interpretation="positive",
        observed_on=today - timedelta(days=60),
    )
    services.import_genotyping_file(
        patient=talia,
        actor=clinician,
        content=TALIA_PANEL,
        test_name="Aster Valley Solid Tumor Panel v3 (DNA, 410 genes)",
        tumor_type="LUAD",
        reported_on=today - timedelta(days=58),
        specimen="Core biopsy, right upper lobe",
        tumor_content_percent=40,
        genes_covered=["EGFR", "ALK", "ROS1", "BRAF", "KRAS", "MET", "RET", "ERBB2", "TP53"],
        diagnosis=lung,
    )

    chondro = services.record_diagnosis(
        patient=oren,
        actor=clinician,
        description="Conventional chondrosarcoma of the left proximal femur",
        oncotree_code="CHS",
        icd10_code="C40.22",
        icdo3_topography="C40.2",
        icdo3_morphology="9220/3",
        body_site="Proximal femur",
        laterality="left",
        grade="G2",
        diagnosed_on=today - timedelta(days=40),
        basis="histology_primary",
    )
    services.stage_tumor(
        diagnosis=chondro,
        actor=clinician,
        scheme="bone_appendicular",
        classification="clinical",
        categories={"grade": "G2"},
        facts={"size_cm": 9.5, "regional_node_metastasis": False, "metastasis_sites": []},
        assessed_on=today - timedelta(days=35),
    )
    services.stage_tumor(
        diagnosis=chondro,
        actor=clinician,
        scheme="enneking",
        classification="clinical",
        facts={
            "behaviour": "malignant",
            "grade": "high",
            "compartment": "extra",
            "metastasis": False,
        },
        assessed_on=today - timedelta(days=35),
    )
    services.record_performance_status(
        patient=oren,
        actor=clinician,
        scale="karnofsky",
        value=80,
        observed_on=today - timedelta(days=35),
    )
    _labs(oren, clinician, today, creatinine_umol=88, ast=31, alt=35)
    services.import_genotyping_file(
        patient=oren,
        actor=clinician,
        content=OREN_PANEL,
        test_name="Aster Valley Sarcoma Panel v2",
        tumor_type="CHS",
        reported_on=today - timedelta(days=30),
        specimen="Open biopsy, proximal femur",
        tumor_content_percent=70,
        genes_covered=["IDH1", "IDH2", "TERT", "MDM2", "CDK4"],
        diagnosis=chondro,
    )

    if mila is not None:
        osteo = services.record_diagnosis(
            patient=mila,
            actor=clinician,
            description="Conventional osteosarcoma of the right distal femur",
            oncotree_code="OS",
            icd10_code="C40.21",
            icdo3_topography="C40.2",
            icdo3_morphology="9180/3",
            body_site="Distal femur",
            laterality="right",
            grade="G3",
            diagnosed_on=today - timedelta(days=20),
            basis="histology_primary",
        )
        services.stage_tumor(
            diagnosis=osteo,
            actor=clinician,
            scheme="bone_appendicular",
            classification="clinical",
            categories={"grade": "G3"},
            facts={"size_cm": 7.0, "regional_node_metastasis": False, "metastasis_sites": ["lung"]},
            assessed_on=today - timedelta(days=18),
        )
        services.record_performance_status(
            patient=mila,
            actor=clinician,
            scale="karnofsky",
            value=90,
            observed_on=today - timedelta(days=18),
        )
        services.record_treatment_course(
            patient=mila,
            actor=clinician,
            regimen="MAP (methotrexate, doxorubicin, cisplatin)",
            setting="neoadjuvant",
            started_on=today - timedelta(days=12),
        )
        services.confirm_treatment_history(patient=mila, actor=clinician, reviewed_on=today)
        _labs(mila, clinician, today, creatinine_umol=54, ast=28, alt=22)
    return []


def _labs(patient: Patient, actor: object, today: date, **values: float) -> None:
    """A recent blood count and chemistry panel, in the units a European laboratory uses."""
    drawn = today - timedelta(days=4)
    for test, value, unit, upper in (
        ("anc", 4.1, "10^9/L", None),
        ("platelets", 245, "10^9/L", None),
        ("hemoglobin", 12.9, "g/dL", None),
        ("creatinine", values["creatinine_umol"], "µmol/L", 110),
        ("bilirubin", 9, "µmol/L", 21),
        ("ast", values["ast"], "U/L", 40),
        ("alt", values["alt"], "U/L", 45),
    ):
        services.record_lab_result(
            patient=patient,
            actor=actor,
            test=test,
            value=value,
            unit=unit,
            upper_limit=upper,
            observed_on=drawn,
        )
