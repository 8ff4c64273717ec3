"""The code systems, profiles and value tables of HL7 mCODE STU4 (hl7.fhir.us.mcode 4.0.0).

Built from the IG's examples, its FSH sources and data dictionary. mCODE binds the TNM values
to "descendants of" SNOMED CT concepts rather than listing them, so the category and stage
group codes below are the AJCC 8th edition qualifier values of the SNOMED CT international
release, as published in the CanShare (New Zealand) TNM value sets; a code missing here is
still read from its display text ("American Joint Committee on Cancer cT3 ...").
"""

import re
from collections.abc import Mapping
from types import MappingProxyType

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICDO3 = "http://terminology.hl7.org/CodeSystem/icd-o-3"
ICDO3_SYSTEMS = frozenset({ICDO3, "urn:oid:2.16.840.1.113883.6.43.1"})
ONCOTREE = "http://oncotree.mskcc.org"
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl"
HGVS = "http://varnomen.hgvs.org"
SEQUENCE_ONTOLOGY = "http://www.sequenceontology.org/"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
DIAGNOSTIC_SERVICE = "http://terminology.hl7.org/CodeSystem/v2-0074"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
MRN_SYSTEM = "https://medcenter.example/fhir/identifier/mrn"  # our own MRN namespace

_MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
CANCER_PATIENT = _MCODE + "mcode-cancer-patient"
PRIMARY_CANCER_CONDITION = _MCODE + "mcode-primary-cancer-condition"
SECONDARY_CANCER_CONDITION = _MCODE + "mcode-secondary-cancer-condition"
TNM_STAGE_GROUP = _MCODE + "mcode-tnm-stage-group"
TNM_PRIMARY_TUMOR = _MCODE + "mcode-tnm-primary-tumor-category"
TNM_REGIONAL_NODES = _MCODE + "mcode-tnm-regional-nodes-category"
TNM_DISTANT_METASTASES = _MCODE + "mcode-tnm-distant-metastases-category"
CANCER_STAGE = _MCODE + "mcode-cancer-stage"
ECOG_PERFORMANCE_STATUS = _MCODE + "mcode-ecog-performance-status"
KARNOFSKY_PERFORMANCE_STATUS = _MCODE + "mcode-karnofsky-performance-status"
TUMOR_MARKER_TEST = _MCODE + "mcode-tumor-marker-test"
GENOMIC_VARIANT = _MCODE + "mcode-genomic-variant"
GENOMIC_REGION_STUDIED = _MCODE + "mcode-genomic-region-studied"
GENOMICS_REPORT = _MCODE + "mcode-genomics-report"

HISTOLOGY_EXTENSION = _MCODE + "mcode-histology-morphology-behavior"
LATERALITY_EXTENSION = _MCODE + "mcode-laterality-qualifier"
# mCODE STU4 names the secondary's primary with the core condition-related extension;
# STU1 had its own extension, still found in older feeds.
RELATED_PRIMARY_EXTENSIONS = frozenset(
    {
        "http://hl7.org/fhir/StructureDefinition/condition-related",
        _MCODE + "mcode-related-primary-cancer-condition",
    }
)
ASSERTED_DATE_EXTENSION = "http://hl7.org/fhir/StructureDefinition/condition-assertedDate"

# Condition.category codes that older mCODE feeds use instead of the profile.
PRIMARY_CATEGORY = "372087000"  # Primary malignant neoplasm (disorder)
SECONDARY_CATEGORY = "128462008"  # Secondary malignant neoplastic disease (disorder)

ECOG = "89247-1"
KARNOFSKY = "89243-0"

# Laboratory tests trials set limits on (oncology.models.LabTest), by LOINC; creatinine,
# bilirubin and hemoglobin have one code for a mass concentration (mg/dL, g/dL) and one for a
# molar one (µmol/L, mmol/L). Creatinine clearance is the measured one (2164-2).
LAB_TESTS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "anc": ("751-8", "Neutrophils [#/volume] in Blood by Automated count"),
        "platelets": ("777-3", "Platelets [#/volume] in Blood by Automated count"),
        "hemoglobin": ("718-7", "Hemoglobin [Mass/volume] in Blood"),
        "creatinine": ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma"),
        "creatinine_clearance": (
            "2164-2",
            "Creatinine renal clearance in 24 hour Urine and Serum or Plasma",
        ),
        "bilirubin": ("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma"),
        "ast": (
            "1920-8",
            "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
        ),
        "alt": (
            "1742-6",
            "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
        ),
        "albumin": ("1751-7", "Albumin [Mass/volume] in Serum or Plasma"),
        "inr": ("6301-6", "INR in Platelet poor plasma by Coagulation assay"),
    }
)
LAB_TESTS_MOLAR: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "creatinine": ("14682-9", "Creatinine [Moles/volume] in Serum or Plasma"),
        "bilirubin": ("14631-6", "Bilirubin.total [Moles/volume] in Serum or Plasma"),
        "hemoglobin": ("59260-0", "Hemoglobin [Moles/volume] in Blood"),
    }
)
LAB_TEST_BY_LOINC: Mapping[str, str] = MappingProxyType(
    {code: test for table in (LAB_TESTS, LAB_TESTS_MOLAR) for test, (code, _d) in table.items()}
)
PREGNANCY_STATUS = "82810-3"  # Pregnancy status, with the LOINC answers below
PREGNANT = "LA15173-0"
NOT_PREGNANT = "LA26683-5"
# Breastfeeding (most trials exclude it with pregnancy), in our own code system.
BREASTFEEDING_SYSTEM = "https://medcenter.example/fhir/CodeSystem/observation"
BREASTFEEDING = "breastfeeding-status"
STOP_REASON_SYSTEM = "https://medcenter.example/fhir/CodeSystem/stop-reason"
# Line of therapy and setting of a treatment course, which base FHIR has no element for.
LINE_OF_THERAPY_URL = "https://medcenter.example/fhir/StructureDefinition/line-of-therapy"
THERAPY_SETTING_URL = "https://medcenter.example/fhir/StructureDefinition/therapy-setting"

CLINICAL_STATUSES: Mapping[str, str] = MappingProxyType(
    {
        "active": "active",
        "recurrence": "recurrence",
        "relapse": "recurrence",
        "remission": "remission",
        "resolved": "resolved",
    }
)
LATERALITY: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "left": ("7771000", "Left (qualifier value)"),
        "right": ("24028007", "Right (qualifier value)"),
        "bilateral": ("51440002", "Right and left (qualifier value)"),
        "midline": ("399488007", "Midline (qualifier value)"),
    }
)
LATERALITY_BY_CODE: Mapping[str, str] = MappingProxyType(
    {code: side for side, (code, _display) in LATERALITY.items()}
)

# --- TNM --------------------------------------------------------------------------------

CLINICAL = "clinical"
PATHOLOGICAL = "pathological"

# Observation.code of a stage group: the SNOMED CT staging types, and the LOINC codes of the
# mCODE maximum value set, which older feeds still send.
STAGE_GROUP_TYPES: Mapping[str, str | None] = MappingProxyType(
    {
        "399537006": CLINICAL,
        "399588009": PATHOLOGICAL,
        "399390009": None,
        "21908-9": CLINICAL,
        "21902-2": PATHOLOGICAL,
        "21914-7": None,
    }
)
STAGE_GROUP_CODE: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        CLINICAL: ("399537006", "Clinical TNM stage grouping"),
        PATHOLOGICAL: ("399588009", "Pathologic TNM stage grouping"),
    }
)
# Observation.code of a category: (axis, classification), None where the code does not say.
CATEGORY_TYPES: Mapping[str, tuple[str, str | None]] = MappingProxyType(
    {
        "399504009": ("t", CLINICAL),
        "384625004": ("t", PATHOLOGICAL),
        "78873005": ("t", None),
        "399534004": ("n", CLINICAL),
        "371494008": ("n", PATHOLOGICAL),
        "277206009": ("n", None),
        "399387003": ("m", CLINICAL),
        "371497001": ("m", PATHOLOGICAL),
        "277208005": ("m", None),
        "21905-5": ("t", CLINICAL),
        "21899-0": ("t", PATHOLOGICAL),
        "21911-3": ("t", None),
        "21906-3": ("n", CLINICAL),
        "21900-6": ("n", PATHOLOGICAL),
        "21912-1": ("n", None),
        "21907-1": ("m", CLINICAL),
        "21901-4": ("m", PATHOLOGICAL),
        "21913-9": ("m", None),
    }
)
CATEGORY_CODE: Mapping[tuple[str, str], tuple[str, str]] = MappingProxyType(
    {
        ("t", CLINICAL): ("399504009", "cT category"),
        ("t", PATHOLOGICAL): ("384625004", "pT category"),
        ("n", CLINICAL): ("399534004", "cN category"),
        ("n", PATHOLOGICAL): ("371494008", "pN category"),
        ("m", CLINICAL): ("399387003", "cM category"),
        ("m", PATHOLOGICAL): ("371497001", "pM category"),
    }
)
CATEGORY_PROFILE: Mapping[str, str] = MappingProxyType(
    {"t": TNM_PRIMARY_TUMOR, "n": TNM_REGIONAL_NODES, "m": TNM_DISTANT_METASTASES}
)


def _codes(rows: str) -> dict[str, str]:
    """`code label` lines to {code: label}."""
    return dict(line.split() for line in rows.strip().splitlines())


TNM_CATEGORIES: Mapping[str, str] = MappingProxyType(
    _codes(
        """
        1222604002 cTX
        1228882005 cT0
        1228883000 cTa
        1228884006 cTis
        1228885007 cTis(DCIS)
        1228887004 cTis(LAMN)
        1228888009 cTis(Paget)
        1228889001 cT1
        1228891009 cT1mi
        1228892002 cT1a
        1228893007 cT1a1
        1228894001 cT1a2
        1228895000 cT1b
        1228896004 cT1b1
        1228898003 cT1b2
        1228899006 cT1c
        1228900001 cT1c1
        1228901002 cT1c2
        1228902009 cT1c3
        1228928007 cT1d
        1228929004 cT2
        1228931008 cT2a
        1228932001 cT2a1
        1228933006 cT2a2
        1228934000 cT2b
        1228936003 cT2c
        1228937007 cT2d
        1228938002 cT3
        1228939005 cT3a
        1228940007 cT3b
        1228941006 cT3c
        1228942004 cT3d
        1228943009 cT3e
        1228944003 cT4
        1228945002 cT4a
        1228946001 cT4b
        1228947005 cT4c
        1228948000 cT4d
        1228949008 cT4e
        1228950008 pTX
        1228951007 pT0
        1228952000 pTa
        1228953005 pTis
        1228954004 pTis(DCIS)
        1228955003 pTis(LAMN)
        1228956002 pTis(Paget)
        1228957006 pT1
        1228958001 pT1mi
        1228959009 pT1a
        1228960004 pT1a1
        1228961000 pT1a2
        1228962007 pT1b
        1229844006 pT1b1
        1229845007 pT1b2
        1285095005 pT1b3
        1229846008 pT1c
        1229848009 pT1c1
        1229849001 pT1c2
        1229850001 pT1c3
        1229851002 pT1d
        1229852009 pT2
        1229853004 pT2a
        1229854005 pT2a1
        1229855006 pT2a2
        1229856007 pT2b
        1229857003 pT2c
        1229858008 pT2d
        1229859000 pT3
        1229860005 pT3a
        1229861009 pT3b
        1229862002 pT3c
        1229863007 pT3d
        1229864001 pT4
        1229865000 pT4a
        1229866004 pT4b
        1229867008 pT4c
        1229868003 pT4d
        1229869006 pT4e
        1229966003 cNX
        1229967007 cN0
        1229968002 cN0a
        1229969005 cN0b
        1229971005 cN0(i+)
        1229973008 cN1
        1229974002 cN1mi
        1229975001 cN1a
        1229976000 cN1b
        1229977009 cN1c
        1229978004 cN2
        1229980005 cN2mi
        1229981009 cN2a
        1229982002 cN2b
        1229983007 cN2c
        1229984001 cN3
        1229985000 cN3a
        1229986004 cN3b
        1229987008 cN3c
        1229945006 pNX
        1229947003 pN0
        1229948008 pN0a
        1229949000 pN0(i+)
        1229950000 pN0(mol+)
        1229951001 pN1
        1229952008 pN1mi
        1229953003 pN1a(sn)
        1229954009 pN1a
        1229955005 pN1b
        1229956006 pN1c
        1229957002 pN2
        1229958007 pN2mi
        1229959004 pN2a
        1229960009 pN2b
        1229961008 pN2c
        1229962001 pN3
        1229963006 pN3a
        1229964000 pN3b
        1229965004 pN3c
        1229901006 cM0
        1229902004 cM0(i+)
        1229903009 cM1
        1229904003 cM1a
        1229905002 cM1a(0)
        1229906001 cM1a(1)
        1229907005 cM1b
        1229908000 cM1b(0)
        1229909008 cM1b(1)
        1229910003 cM1c
        1229911004 cM1c(0)
        1229912006 cM1c(1)
        1229913001 cM1d
        1229914007 cM1d(0)
        1229915008 cM1d(1)
        1229916009 pM1
        1229917000 pM1a
        1229918005 pM1a(0)
        1229919002 pM1a(1)
        1229920008 pM1b
        1229921007 pM1b(0)
        1229922000 pM1b(1)
        1229923005 pM1c
        1229924004 pM1c(0)
        1229925003 pM1c(1)
        1229926002 pM1d
        1229927006 pM1d(0)
        1229928001 pM1d(1)
        """
    )
)
TNM_CATEGORY_BY_LABEL: Mapping[str, str] = MappingProxyType(
    {label.lower(): code for code, label in TNM_CATEGORIES.items()}
)

STAGE_GROUPS: Mapping[str, str] = MappingProxyType(
    _codes(
        """
        1222605001 0
        1222721004 0a
        1222722006 0is
        1222723001 I
        1222724007 IA
        1222725008 IA1
        1222726009 IA2
        1222727000 IA3
        1222728005 IB
        1222729002 IB1
        1222730007 IB2
        1222731006 IC
        1222732004 IE
        1222733009 IS
        1222765007 II
        1222766008 IIA
        1222767004 IIA1
        1222768009 IIA2
        1222769001 IIB
        1222770000 IIC
        1222771001 IIE
        1222801008 III
        1222802001 IIIA
        1222803006 IIIA1
        1222804000 IIIA2
        1222805004 IIIB
        1222806003 IIIC
        1222807007 IIIC1
        1222809005 IIIC2
        1222811001 IIID
        1222837003 IV
        1222838008 IVA
        1222841004 IVB
        1222842006 IVC
        """
    )
)
STAGE_GROUP_BY_LABEL: Mapping[str, str] = MappingProxyType(
    {label.lower(): code for code, label in STAGE_GROUPS.items()}
)

# Staging methods (mCODE TNMStagingMethodVS), with the short name a reported stage keeps.
AJCC8 = "897275008"
STAGING_METHODS: Mapping[str, str] = MappingProxyType(
    {
        AJCC8: "AJCC 8th edition",
        "443830009": "AJCC 7th edition",
        "444256004": "AJCC 6th edition",
        "1269566009": "AJCC 9th version",
        "C188404": "UICC",
    }
)
STAGING_METHOD_DISPLAY: Mapping[str, str] = MappingProxyType(
    {
        AJCC8: "American Joint Commission on Cancer, Cancer Staging Manual, 8th edition "
        "neoplasm staging system (tumor staging)",
        "443830009": "American Joint Commission on Cancer, Cancer Staging Manual, 7th edition "
        "neoplasm staging system (tumor staging)",
        "444256004": "American Joint Commission on Cancer, Cancer Staging Manual, 6th edition "
        "neoplasm staging system (tumor staging)",
        "1269566009": "American Joint Commission on Cancer, Cancer Staging Manual, 9th version "
        "neoplasm staging system (tumor staging)",
        "C188404": "Union for International Cancer Control Stage",
    }
)

_CATEGORY_RE = re.compile(r"(?:y?[cp])?[TNM][0-9A-Za-z]*(?:\([A-Za-z0-9+]+\))?")
_STAGE_RE = re.compile(r"(?:0|0a|0is|IS|I{1,3}|IV)(?:[A-E]\d?)?(?:\s?bulky)?", re.IGNORECASE)
_AJCC_PREFIX = re.compile(r"^American Joint Committee on Cancer\s+(?:stage\s+)?", re.IGNORECASE)
_QUALIFIER_SUFFIX = re.compile(r"\s*\((?:qualifier value|tumor staging|finding)\)$")


def category_from_text(text: str) -> str | None:
    """Read "American Joint Committee on Cancer cT3 (qualifier value)" or "cT3" as cT3."""
    cleaned = _QUALIFIER_SUFFIX.sub("", _AJCC_PREFIX.sub("", text.strip()))
    return cleaned if _CATEGORY_RE.fullmatch(cleaned) else None


def stage_group_from_text(text: str) -> str | None:
    """Read "American Joint Committee on Cancer stage IIIC (qualifier value)" as IIIC; a
    group named in words ("Occult carcinoma") is kept as written when it is short."""
    cleaned = _QUALIFIER_SUFFIX.sub("", _AJCC_PREFIX.sub("", text.strip()))
    cleaned = re.sub(r"^stage\s+", "", cleaned, flags=re.IGNORECASE)
    known = STAGE_GROUP_BY_LABEL.get(cleaned.lower())
    if known is not None:
        return STAGE_GROUPS[known]
    return cleaned if _STAGE_RE.fullmatch(cleaned) or 0 < len(cleaned) <= 20 else None


def split_category(label: str) -> tuple[str, str]:
    """Split cT3 into ("c", "T3"); a bare T3 gives ("", "T3")."""
    match = re.match(r"(y?[cp])?([TNM].*)", label)
    if match is None:
        return "", label
    return match.group(1) or "", match.group(2)


# Which of our staging schemes applies to a diagnosis. SNOMED CT disorders are listed one by
# one because a descendant check needs a terminology server we do not have.
NSCLC_SNOMED = frozenset({"254637007"})  # Non-small cell lung cancer (disorder)
SMALL_CELL_MORPHOLOGY = frozenset({"8041", "8042", "8043", "8044", "8045"})
BONE_SITES: Mapping[str, str] = MappingProxyType(
    {
        "C40": "bone_appendicular",
        "C41.0": "bone_appendicular",
        "C41.1": "bone_appendicular",
        "C41.3": "bone_appendicular",
        "C41.2": "bone_spine",
        "C41.4": "bone_pelvis",
        "C49.1": "soft_tissue_trunk_extremities",
        "C49.2": "soft_tissue_trunk_extremities",
        "C49.3": "soft_tissue_trunk_extremities",
        "C49.6": "soft_tissue_trunk_extremities",
    }
)

# OncoTree codes for SNOMED CT disorders the mCODE examples use, so genotyping results of an
# imported diagnosis are annotated for the right tumor type.
ONCOTREE_BY_SNOMED: Mapping[str, str] = MappingProxyType(
    {
        "254637007": "NSCLC",  # Non-small cell lung cancer
        "92814006": "CLLSLL",  # Chronic lymphoid leukemia
        "277571004": "BLL",  # B-cell acute lymphoblastic leukemia
    }
)

# --- Tumor markers ----------------------------------------------------------------------

# Result values as mCODE's examples code them; a value may carry both codings.
RESULT_CODES: Mapping[str, tuple[tuple[str, str, str], ...]] = MappingProxyType(
    {
        "positive": (
            (LOINC, "LA6576-8", "Positive"),
            (SNOMED, "10828004", "Positive (qualifier value)"),
        ),
        "negative": (
            (LOINC, "LA6577-6", "Negative"),
            (SNOMED, "260385009", "Negative (qualifier value)"),
        ),
        "present": ((LOINC, "LA9633-4", "Present"),),
        "absent": ((LOINC, "LA9634-2", "Absent"),),
        "not detected": ((SNOMED, "260415000", "Not detected (qualifier value)"),),
    }
)
INTERPRETATIONS: Mapping[str, str] = MappingProxyType(
    {
        "H": "High",
        "HH": "Critical high",
        "L": "Low",
        "LL": "Critical low",
        "N": "Normal",
        "A": "Abnormal",
        "POS": "Positive",
        "NEG": "Negative",
        "IND": "Indeterminate",
        "E": "Equivocal",
        "DET": "Detected",
        "ND": "Not detected",
    }
)
INTERPRETATION_BY_TEXT: Mapping[str, str] = MappingProxyType(
    {text.lower(): code for code, text in INTERPRETATIONS.items()}
)

# --- Genomics ---------------------------------------------------------------------------

GENOMIC_VARIANT_CODE = "69548-6"
REGION_STUDIED_CODE = "53041-0"
GENOMICS_REPORT_CODE = "51969-4"
GENE_STUDIED = "48018-6"
DNA_CHANGE_TYPE = "48019-4"
CODING_HGVS = "48004-6"
PROTEIN_HGVS = "48005-3"
GENOMIC_HGVS = "81290-9"
VARIATION_CODE = "81252-9"
ALLELIC_FREQUENCY = "81258-6"
COPY_NUMBER = "82155-3"
MOLECULAR_CONSEQUENCE = "molecular-consequence"
PRESENT = "LA9633-4"
ABSENT = "LA9634-2"

# Sequence Ontology terms (DNA change type or molecular consequence) to our alteration kinds;
# None where the protein change decides.
SO_KINDS: Mapping[str, str | None] = MappingProxyType(
    {
        "SO:0001483": "snv",  # SNV
        "SO:1000032": "indel",  # delins
        "SO:0000159": "indel",  # deletion
        "SO:0000667": "indel",  # insertion
        "SO:0001589": "indel",  # frameshift_variant
        "SO:0001822": "indel",  # inframe_deletion
        "SO:0001821": "indel",  # inframe_insertion
        "SO:0001583": None,  # missense_variant
        "SO:0001587": None,  # stop_gained
        "SO:0001819": None,  # synonymous_variant
        "SO:0001629": "splice",  # splice_site_variant
        "SO:0001742": "amplification",  # copy_number_gain
        "SO:0001743": "loss",  # copy_number_loss
        "SO:0001565": "fusion",  # gene_fusion
        "SO:1000044": "fusion",  # chromosomal_translocation
        "SO:0002062": "fusion",  # complex chromosomal rearrangement
    }
)
SO_BY_KIND: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "snv": ("SO:0001483", "SNV"),
        "indel": ("SO:1000032", "delins"),
        "splice": ("SO:0001629", "splice_site_variant"),
        "amplification": ("SO:0001742", "copy_number_gain"),
        "loss": ("SO:0001743", "copy_number_loss"),
        "fusion": ("SO:0001565", "gene_fusion"),
    }
)
