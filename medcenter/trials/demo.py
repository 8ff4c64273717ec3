"""The demo center's trials: synthetic studies written for its programs, not real records.

They are API v2 records (NCT99xxxxxx numbers, which the registry has not reached) imported
through the real importer, so the demo exercises the same path as a real catalogue. Sponsors,
investigators and summaries are invented.
"""

from __future__ import annotations

import random
from typing import Any

from medcenter.core.seeding import DemoLogin
from medcenter.trials.demo_plain import PLAIN
from medcenter.trials.importer import import_records

CENTER = "Aster Valley Comprehensive Cancer Center"
SITE = {
    "facility": CENTER,
    "status": "RECRUITING",
    "city": "Boston",
    "state": "Massachusetts",
    "zip": "02115",
    "country": "United States",
    "geoPoint": {"lat": 42.3376, "lon": -71.1053},
}


def study(
    nct: str,
    title: str,
    *,
    summary: str,
    conditions: list[str],
    phases: list[str],
    criteria: str,
    min_age: str = "18 Years",
    max_age: str | None = None,
    sex: str = "ALL",
    interventions: list[str] = (),  # type: ignore[assignment]
    keywords: list[str] = (),  # type: ignore[assignment]
    status: str = "RECRUITING",
    posted: str = "2026-09-15",
) -> dict[str, Any]:
    eligibility: dict[str, Any] = {
        "eligibilityCriteria": criteria,
        "healthyVolunteers": False,
        "sex": sex,
        "minimumAge": min_age,
    }
    if max_age:
        eligibility["maximumAge"] = max_age
    return {
        "protocolSection": {
            "identificationModule": {"nctId": nct, "briefTitle": title},
            "statusModule": {
                "overallStatus": status,
                "startDateStruct": {"date": "2026-06"},
                "studyFirstPostDateStruct": {"date": posted},
                "lastUpdatePostDateStruct": {"date": posted},
            },
            "sponsorCollaboratorsModule": {"leadSponsor": {"name": CENTER}},
            "descriptionModule": {"briefSummary": summary},
            "conditionsModule": {"conditions": conditions, "keywords": list(keywords)},
            "designModule": {"studyType": "INTERVENTIONAL", "phases": phases},
            "armsInterventionsModule": {
                "interventions": [
                    {"type": "DRUG", "name": name, "description": ""} for name in interventions
                ]
            },
            "eligibilityModule": eligibility,
            "contactsLocationsModule": {"locations": [SITE]},
        }
    }


STUDIES: list[tuple[dict[str, Any], str, dict[str, dict[str, str]], list[dict[str, Any]]]] = [
    (
        study(
            "NCT99001001",
            "Sunvertinib With or Without Brain Radiotherapy for EGFR-Mutant Lung Cancer",
            summary="A randomized study of the EGFR inhibitor sunvertinib, alone or with "
            "stereotactic brain radiotherapy, in advanced non-small cell lung cancer with an "
            "EGFR exon 19 deletion or L858R mutation, including patients with brain metastases.",
            conditions=["Non-small Cell Lung Cancer", "Brain Metastases"],
            phases=["PHASE2"],
            interventions=["Sunvertinib", "Stereotactic radiosurgery"],
            keywords=["EGFR", "L858R", "exon 19 deletion"],
            criteria="""Inclusion Criteria:

* Age ≥ 18 years
* Histologically confirmed non-small cell lung cancer, stage IV
* EGFR exon 19 deletion or L858R mutation in tumor tissue or plasma
* ECOG performance status 0-1
* Brain metastases are allowed if asymptomatic
* Absolute neutrophil count ≥ 1.5 x 10^9/L
* Platelets ≥ 100 x 10^9/L

Exclusion Criteria:

* Prior treatment with osimertinib
* Leptomeningeal disease
* Pregnant or breastfeeding""",
        ),
        "thoracic",
        {
            "en": {
                "title": "A new EGFR pill, with or without brain radiation, for lung cancer",
                "summary": "For adults whose lung cancer has spread and has an EGFR change "
                "(exon 19 deletion or L858R). Everyone gets a daily pill; some also get "
                "focused radiation to spots in the brain. People with brain metastases can join.",
            },
            "es": {
                "title": "Una nueva pastilla contra EGFR, con o sin radiación cerebral, para el "
                "cáncer de pulmón",
                "summary": "Para adultos cuyo cáncer de pulmón se ha extendido y tiene un cambio "
                "en EGFR (deleción del exón 19 o L858R). Todos reciben una pastilla diaria; "
                "algunos reciben además radiación dirigida a lesiones del cerebro. Pueden "
                "participar personas con metástasis cerebrales.",
            },
        },
        [],
    ),
    (
        study(
            "NCT99001002",
            "Kelaprasib for KRAS G12C-Mutated Lung Cancer After Platinum Chemotherapy",
            summary="An open-label study of the KRAS G12C inhibitor kelaprasib in advanced "
            "non-small cell lung cancer that progressed after platinum-based chemotherapy.",
            conditions=["Non-small Cell Lung Cancer"],
            phases=["PHASE2"],
            interventions=["Kelaprasib"],
            keywords=["KRAS G12C"],
            criteria="""Inclusion Criteria:

* Age 18 years or older
* Advanced or metastatic non-small cell lung cancer
* KRAS G12C mutation
* Prior platinum-based chemotherapy
* ECOG performance status 0-2

Exclusion Criteria:

* EGFR mutation or ALK rearrangement
* Active brain metastases""",
        ),
        "thoracic",
        {
            "en": {
                "title": "A targeted pill for lung cancer with the KRAS G12C change",
                "summary": "For adults whose lung cancer grew after chemotherapy and has the "
                "KRAS G12C change.",
            },
            "es": {
                "title": "Una pastilla dirigida para el cáncer de pulmón con el cambio KRAS G12C",
                "summary": "Para adultos cuyo cáncer de pulmón creció después de la "
                "quimioterapia y tiene el cambio KRAS G12C.",
            },
        },
        [],
    ),
    (
        study(
            "NCT99001003",
            "Alectorib Versus Standard ALK Inhibitor in ALK-Positive Lung Cancer",
            summary="A randomized comparison of alectorib with a standard ALK inhibitor as "
            "first treatment for advanced ALK-rearranged non-small cell lung cancer.",
            conditions=["Non-small Cell Lung Cancer"],
            phases=["PHASE3"],
            interventions=["Alectorib"],
            keywords=["ALK"],
            criteria="""Inclusion Criteria:

* Age ≥ 18 years
* Stage IIIB-IV non-small cell lung cancer
* ALK rearrangement (fusion) confirmed by an approved test
* No prior systemic therapy for advanced disease
* ECOG 0-2

Exclusion Criteria:

* Symptomatic brain metastases""",
        ),
        "thoracic",
        {
            "en": {
                "title": "Comparing two ALK pills as the first treatment for ALK-positive lung "
                "cancer",
                "summary": "For adults with advanced lung cancer that has an ALK change and has "
                "not been treated yet.",
            },
            "es": {
                "title": "Comparación de dos pastillas contra ALK como primer tratamiento del "
                "cáncer de pulmón ALK positivo",
                "summary": "Para adultos con cáncer de pulmón avanzado con un cambio en ALK que "
                "aún no ha recibido tratamiento.",
            },
        },
        [],
    ),
    (
        study(
            "NCT99002001",
            "Irinotecan, Temozolomide and Veltuzimab for Relapsed Ewing Sarcoma",
            summary="Adds the IGF-1R antibody veltuzimab to irinotecan and temozolomide for "
            "Ewing sarcoma that has come back or did not respond to first treatment.",
            conditions=["Ewing Sarcoma"],
            phases=["PHASE2"],
            interventions=["Veltuzimab", "Irinotecan", "Temozolomide"],
            min_age="12 Years",
            max_age="39 Years",
            criteria="""Inclusion Criteria:

* Patients aged 12 to 39 years
* Histologically confirmed Ewing sarcoma, relapsed or refractory
* Karnofsky ≥ 60% for patients > 16 years of age or Lansky ≥ 60% for patients ≤ 16 years
* Adequate organ function

Exclusion Criteria:

* Prior treatment with an IGF-1R antibody
* Pregnant or breastfeeding""",
        ),
        "bone-sarcoma",
        {
            "en": {
                "title": "A new antibody added to chemotherapy for Ewing sarcoma that came back",
                "summary": "For teenagers and young adults (12 to 39) whose Ewing sarcoma "
                "returned or did not go away with first treatment.",
            },
            "es": {
                "title": "Un nuevo anticuerpo junto con quimioterapia para el sarcoma de Ewing "
                "que regresó",
                "summary": "Para adolescentes y adultos jóvenes (de 12 a 39 años) cuyo sarcoma "
                "de Ewing volvió o no desapareció con el primer tratamiento.",
            },
        },
        [],
    ),
    (
        study(
            "NCT99002002",
            "Interval-Compressed Chemotherapy With Whole-Lung Radiation in Newly Diagnosed "
            "Osteosarcoma",
            summary="Tests shorter intervals between chemotherapy cycles for newly diagnosed "
            "osteosarcoma in children and young adults.",
            conditions=["Osteosarcoma"],
            phases=["PHASE3"],
            interventions=["Methotrexate", "Doxorubicin", "Cisplatin"],
            min_age="5 Years",
            max_age="40 Years",
            criteria="""Inclusion Criteria:

* Newly diagnosed high-grade osteosarcoma
* Age 5 to 40 years
* No prior chemotherapy

Exclusion Criteria:

* Prior radiation therapy to the primary tumor""",
        ),
        "bone-sarcoma",
        {
            "en": {
                "title": "Shorter gaps between chemotherapy for newly found osteosarcoma",
                "summary": "For children and young adults (5 to 40) with osteosarcoma that "
                "was just diagnosed and not yet treated.",
            },
            "es": {
                "title": "Menos tiempo entre ciclos de quimioterapia para el osteosarcoma "
                "recién diagnosticado",
                "summary": "Para niños y adultos jóvenes (de 5 a 40 años) con osteosarcoma "
                "recién diagnosticado y aún sin tratar.",
            },
        },
        [],
    ),
    (
        study(
            "NCT99002003",
            "Ivosidrafenib for IDH1-Mutant Conventional Chondrosarcoma",
            summary="A study of the IDH1 inhibitor ivosidrafenib in adults with unresectable "
            "or metastatic conventional chondrosarcoma carrying an IDH1 mutation.",
            conditions=["Chondrosarcoma"],
            phases=["PHASE2"],
            interventions=["Ivosidrafenib"],
            keywords=["IDH1"],
            criteria="""Inclusion Criteria:

* Age ≥ 18 years
* Conventional chondrosarcoma that is unresectable or metastatic
* Documented IDH1 mutation (R132) in tumor tissue
* ECOG performance status 0-1

Exclusion Criteria:

* Prior treatment with an IDH1 inhibitor
* Dedifferentiated chondrosarcoma""",
        ),
        "bone-sarcoma",
        {
            "en": {
                "title": "A targeted pill for chondrosarcoma with an IDH1 change",
                "summary": "For adults whose chondrosarcoma cannot be removed by surgery or has "
                "spread, and whose tumor has an IDH1 change.",
            },
            "es": {
                "title": "Una pastilla dirigida para el condrosarcoma con un cambio en IDH1",
                "summary": "Para adultos cuyo condrosarcoma no se puede extirpar con cirugía o "
                "se ha extendido, y cuyo tumor tiene un cambio en IDH1.",
            },
        },
        [],
    ),
    (
        study(
            "NCT99002004",
            "Pembrolizumab and Radiotherapy for Advanced Chondrosarcoma and Other Bone Sarcomas",
            summary="Combines PD-1 blockade with radiotherapy in adults with advanced bone "
            "sarcomas after at least one prior treatment.",
            conditions=["Chondrosarcoma", "Osteosarcoma", "Bone Sarcoma"],
            phases=["PHASE2"],
            interventions=["Pembrolizumab", "Radiotherapy"],
            criteria="""Inclusion Criteria:

* Adults 18 years and older
* Advanced or metastatic bone sarcoma
* At least one prior line of systemic therapy
* ECOG 0-2

Exclusion Criteria:

* Prior anti-PD-1 therapy
* Active autoimmune disease requiring systemic treatment""",
        ),
        "bone-sarcoma",
        {
            "en": {
                "title": "Immunotherapy with radiation for advanced bone sarcomas",
                "summary": "For adults whose bone sarcoma has spread or come back after "
                "at least one treatment.",
            },
            "es": {
                "title": "Inmunoterapia con radiación para sarcomas óseos avanzados",
                "summary": "Para adultos cuyo sarcoma óseo se ha extendido o ha vuelto "
                "después de al menos un tratamiento.",
            },
        },
        [],
    ),
    (
        study(
            "NCT99003001",
            "Trastuzumab Lenvotecan in HER2-Positive Metastatic Breast Cancer With Brain "
            "Metastases",
            summary="An antibody-drug conjugate for HER2-positive metastatic breast cancer, "
            "including stable treated brain metastases.",
            conditions=["Breast Cancer"],
            phases=["PHASE2"],
            interventions=["Trastuzumab lenvotecan"],
            sex="FEMALE",
            keywords=["HER2"],
            criteria="""Inclusion Criteria:

* Women aged 18 years or older
* HER2-positive metastatic breast cancer
* ECOG 0-1

Exclusion Criteria:

* Untreated brain metastases""",
        ),
        "breast",
        {
            "en": {
                "title": "A targeted antibody treatment for HER2-positive breast cancer that "
                "has spread",
                "summary": "For women whose HER2-positive breast cancer has spread, including "
                "to the brain if those spots were treated and are stable.",
            },
            "es": {
                "title": "Un tratamiento con anticuerpo dirigido para el cáncer de mama HER2 "
                "positivo que se ha extendido",
                "summary": "Para mujeres cuyo cáncer de mama HER2 positivo se ha extendido, "
                "incluso al cerebro si esas lesiones fueron tratadas y están estables.",
            },
        },
        [],
    ),
    (
        study(
            "NCT99004001",
            "Larotrectinib-Like Selitrectinib for NTRK Fusion-Positive Solid Tumors in "
            "Children and Young Adults",
            summary="A basket study of selitrectinib for solid tumors with an NTRK gene fusion "
            "in patients 1 to 21 years old.",
            conditions=["Solid Tumor", "Pediatric Cancer"],
            phases=["PHASE1", "PHASE2"],
            interventions=["Selitrectinib"],
            min_age="1 Year",
            max_age="21 Years",
            keywords=["NTRK"],
            criteria="""Inclusion Criteria:

* Age 1 to 21 years
* Relapsed or refractory solid tumor
* NTRK1, NTRK2 or NTRK3 gene fusion

Exclusion Criteria:

* Prior TRK inhibitor""",
        ),
        "pediatric",
        {
            "en": {
                "title": "A targeted pill for childhood tumors with an NTRK fusion",
                "summary": "For children and young people (1 to 21) whose solid tumor came "
                "back and has an NTRK gene fusion.",
            },
            "es": {
                "title": "Una pastilla dirigida para tumores infantiles con una fusión NTRK",
                "summary": "Para niños y jóvenes (de 1 a 21 años) cuyo tumor sólido regresó y "
                "tiene una fusión del gen NTRK.",
            },
        },
        [],
    ),
    (
        study(
            "NCT99005001",
            "Dabrafenib and Trametinib Before Surgery for BRAF V600E Melanoma",
            summary="Targeted therapy before surgery for stage III melanoma with a BRAF V600E "
            "mutation.",
            conditions=["Melanoma"],
            phases=["PHASE2"],
            interventions=["Dabrafenib", "Trametinib"],
            keywords=["BRAF V600E"],
            criteria="""Inclusion Criteria:

* Age ≥ 18 years
* Resectable stage III melanoma
* BRAF V600E mutation

Exclusion Criteria:

* Prior BRAF inhibitor""",
        ),
        "melanoma-skin",
        {
            "en": {
                "title": "Targeted pills before surgery for melanoma with BRAF V600E",
                "summary": "For adults with stage III melanoma that can be removed by surgery "
                "and has the BRAF V600E change.",
            },
            "es": {
                "title": "Pastillas dirigidas antes de la cirugía para el melanoma con BRAF V600E",
                "summary": "Para adultos con melanoma en estadio III que se puede extirpar con "
                "cirugía y tiene el cambio BRAF V600E.",
            },
        },
        [],
    ),
]


def seed(*, rng: random.Random) -> list[DemoLogin]:
    """Import the demo trials and give them this center's details."""
    from medcenter.accounts.demo import staff_email
    from medcenter.accounts.models import User
    from medcenter.directory.models import Clinician, Program
    from medcenter.trials.models import Trial

    if Trial.objects.filter(is_demo=True).exists():
        return []
    import_records(
        (f"demo:{s['protocolSection']['identificationModule']['nctId']}", s) for s, *_ in STUDIES
    )
    coordinator = User.objects.filter(email=staff_email("trial_coordinator")).first()
    for record, program_slug, plain, requirements in STUDIES:
        nct = record["protocolSection"]["identificationModule"]["nctId"]
        program = Program.objects.filter(slug=program_slug).first()
        lead = (
            Clinician.objects.filter(programs=program).order_by("family_name").first()
            if program
            else None
        )
        Trial.objects.filter(nct_id=nct).update(
            is_demo=True,
            program=program,
            principal_investigator=lead,
            coordinator=coordinator,
            coordinator_email=coordinator.email if coordinator else "",
            coordinator_phone="+1 617 555 0140",
            local_slots=rng.randint(2, 12),
            plain_language={**plain, **PLAIN.get(nct, {})},
            biomarker_requirements=requirements,
        )
    from medcenter.trials.services import refresh_required_genes, refresh_trial_vectors

    for trial in Trial.objects.filter(is_demo=True):
        refresh_required_genes(trial=trial)  # the team's requirements count for search by gene
    refresh_trial_vectors()  # notes are ranked by meaning too from the first request
    return []
