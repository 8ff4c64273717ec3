"""Words trial texts and patient notes use for cancers, genes and treatments.

Cancer names map to OncoTree codes (checked against the shipped tree by the tests), treatment
names to one normalized name and the classes it belongs to ("osimertinib" is a third-generation
EGFR TKI, an EGFR TKI, a targeted therapy, a systemic therapy). Pure data plus small lookups:
importable without Django settings.
"""

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Generic, NamedTuple, TypeVar

from medcenter.oncology.genomics.vocabulary import GENE_ALIASES

_V = TypeVar("_V")


class CancerTerm(NamedTuple):
    """Phrases for one kind of cancer and the OncoTree codes they stand for.

    `exact` is False where the codes are broader than the phrase ("non-squamous NSCLC" →
    NSCLC): such a match may require the broader type of a patient (inclusion) but must not
    exclude every patient of the broader type.
    """

    phrases: tuple[str, ...]
    codes: tuple[str, ...]
    exact: bool = True


# Clinical phrases, matched case-insensitively; hyphens and spaces are interchangeable, a
# plural "s" and the British spellings (tumour, leukaemia, oesophageal) are read too.
CANCER_TERMS: tuple[CancerTerm, ...] = (
    # Lung
    CancerTerm(
        (
            "non-small cell lung cancer",
            "non-small cell lung carcinoma",
            "non-small cell carcinoma of the lung",
            "non-small cell bronchogenic carcinoma",
            "non-small cell lung neoplasm",
        ),
        ("NSCLC",),
    ),
    CancerTerm(
        (
            "non-squamous non-small cell lung cancer",
            "nonsquamous non-small cell lung cancer",
            "non-squamous non-small cell lung carcinoma",
            "non-squamous nsclc",
            "nonsquamous nsclc",
        ),
        ("NSCLC",),
        exact=False,
    ),
    CancerTerm(
        (
            "lung adenocarcinoma",
            "adenocarcinoma of the lung",
            "pulmonary adenocarcinoma",
            "non-small cell lung adenocarcinoma",
        ),
        ("LUAD",),
    ),
    CancerTerm(
        (
            "squamous cell lung cancer",
            "squamous cell lung carcinoma",
            "lung squamous cell carcinoma",
            "squamous cell carcinoma of the lung",
            "squamous non-small cell lung cancer",
            "squamous nsclc",
            "squamous cell nsclc",
        ),
        ("LUSC",),
    ),
    CancerTerm(
        ("small cell lung cancer", "small cell lung carcinoma", "small cell carcinoma of the lung"),
        ("SCLC",),
    ),
    CancerTerm(
        (
            "lung cancer",
            "lung carcinoma",
            "carcinoma of the lung",
            "bronchogenic carcinoma",
            "lung neoplasm",
        ),
        ("LUNG",),
    ),
    CancerTerm(("mesothelioma",), ("PLMESO", "PEMESO")),
    CancerTerm(("pleural mesothelioma",), ("PLMESO",)),
    # Breast
    CancerTerm(
        (
            "breast cancer",
            "breast carcinoma",
            "carcinoma of the breast",
            "breast adenocarcinoma",
            "breast neoplasm",
            "metastatic breast cancer",
        ),
        ("BREAST",),
    ),
    CancerTerm(("invasive breast cancer", "invasive breast carcinoma"), ("BRCA",)),
    CancerTerm(
        (
            "triple negative breast cancer",
            "triple-negative breast carcinoma",
            "her2-positive breast cancer",
            "her2-negative breast cancer",
            "hormone receptor-positive breast cancer",
            "hr-positive breast cancer",
            "er-positive breast cancer",
        ),
        ("BREAST",),
        exact=False,
    ),
    CancerTerm(("invasive ductal carcinoma",), ("IDC",)),
    CancerTerm(("invasive lobular carcinoma",), ("ILC",)),
    CancerTerm(("ductal carcinoma in situ",), ("DCIS",)),
    # Gynaecological
    CancerTerm(
        (
            "endometrial cancer",
            "endometrial carcinoma",
            "endometrial adenocarcinoma",
            "carcinoma of the endometrium",
        ),
        ("UCEC",),
    ),
    CancerTerm(("endometrioid endometrial carcinoma", "endometrioid adenocarcinoma"), ("UEC",)),
    CancerTerm(("uterine cancer", "uterine carcinoma", "cancer of the uterus"), ("UTERUS",)),
    CancerTerm(("uterine sarcoma",), ("USARC",)),
    CancerTerm(("uterine leiomyosarcoma",), ("ULMS",)),
    CancerTerm(("uterine carcinosarcoma",), ("UCS",)),
    CancerTerm(
        (
            "ovarian cancer",
            "ovarian carcinoma",
            "epithelial ovarian cancer",
            "fallopian tube cancer",
            "fallopian tube carcinoma",
        ),
        ("OVARY",),
    ),
    CancerTerm(("high-grade serous ovarian cancer", "high grade serous carcinoma"), ("HGSOC",)),
    CancerTerm(("primary peritoneal cancer", "primary peritoneal carcinoma"), ("PSEC",)),
    CancerTerm(("cervical cancer", "cervical carcinoma", "carcinoma of the cervix"), ("CERVIX",)),
    CancerTerm(("vulvar cancer", "vaginal cancer"), ("VULVA",)),
    # Digestive
    CancerTerm(
        (
            "colorectal cancer",
            "colorectal carcinoma",
            "colorectal adenocarcinoma",
            "colon cancer",
            "colon carcinoma",
            "colon adenocarcinoma",
            "rectal cancer",
            "rectal carcinoma",
            "rectal adenocarcinoma",
            "carcinoma of the colon",
            "cancer of the colon",
        ),
        ("COADREAD",),
    ),
    CancerTerm(("anal cancer", "anal squamous cell carcinoma", "anal carcinoma"), ("ANSC",)),
    CancerTerm(
        ("pancreatic cancer", "pancreatic carcinoma", "cancer of the pancreas"), ("PANCREAS",)
    ),
    CancerTerm(
        (
            "pancreatic adenocarcinoma",
            "pancreatic ductal adenocarcinoma",
            "adenocarcinoma of the pancreas",
        ),
        ("PAAD",),
    ),
    CancerTerm(("pancreatic neuroendocrine tumor", "pancreatic neuroendocrine tumour"), ("PANET",)),
    CancerTerm(
        ("gastric cancer", "stomach cancer", "gastric carcinoma", "gastric adenocarcinoma"),
        ("STAD",),
    ),
    CancerTerm(
        (
            "gastroesophageal junction adenocarcinoma",
            "gastroesophageal junction cancer",
            "gastro-oesophageal junction adenocarcinoma",
            "esophagogastric adenocarcinoma",
        ),
        ("EGC",),
    ),
    CancerTerm(
        ("esophageal cancer", "esophageal carcinoma", "oesophageal cancer"), ("ESCA", "ESCC")
    ),
    CancerTerm(("esophageal adenocarcinoma",), ("ESCA",)),
    CancerTerm(("esophageal squamous cell carcinoma",), ("ESCC",)),
    CancerTerm(("hepatocellular carcinoma", "hepatocellular cancer"), ("HCC",)),
    CancerTerm(("liver cancer", "primary liver cancer"), ("LIVER",)),
    CancerTerm(("hepatoblastoma",), ("LIHB",)),
    CancerTerm(
        ("cholangiocarcinoma", "bile duct cancer", "biliary tract cancer", "biliary cancer"),
        ("CHOL",),
    ),
    CancerTerm(("gallbladder cancer", "gallbladder carcinoma"), ("GBC",)),
    CancerTerm(("gastrointestinal stromal tumor", "gastrointestinal stromal tumour"), ("GIST",)),
    # Genitourinary
    CancerTerm(
        (
            "prostate cancer",
            "prostate carcinoma",
            "prostatic cancer",
            "carcinoma of the prostate",
            "prostate adenocarcinoma",
            "adenocarcinoma of the prostate",
        ),
        ("PROSTATE",),
    ),
    CancerTerm(
        (
            "castration-resistant prostate cancer",
            "castrate-resistant prostate cancer",
            "hormone-sensitive prostate cancer",
            "castration-sensitive prostate cancer",
        ),
        ("PROSTATE",),
        exact=False,
    ),
    CancerTerm(("bladder cancer", "bladder carcinoma"), ("BLADDER",)),
    CancerTerm(
        ("urothelial carcinoma", "urothelial cancer", "transitional cell carcinoma"),
        ("BLCA", "UTUC", "UCU"),
    ),
    CancerTerm(("renal cell carcinoma", "renal cell cancer"), ("RCC",)),
    CancerTerm(("clear cell renal cell carcinoma", "clear-cell renal cell carcinoma"), ("CCRCC",)),
    CancerTerm(("kidney cancer", "renal cancer", "renal carcinoma"), ("KIDNEY",)),
    CancerTerm(("wilms tumor", "wilms' tumor", "wilm's tumor", "nephroblastoma"), ("WT",)),
    CancerTerm(("testicular cancer", "testicular germ cell tumor"), ("TESTIS",)),
    CancerTerm(("seminoma",), ("SEM",)),
    CancerTerm(("penile cancer", "penile squamous cell carcinoma"), ("PSCC",)),
    # Skin
    CancerTerm(("melanoma",), ("MEL", "UM", "HNMUCM", "VMM", "ARMM", "ESMM")),
    CancerTerm(("cutaneous melanoma", "skin melanoma"), ("MEL",)),
    CancerTerm(("uveal melanoma", "ocular melanoma", "choroidal melanoma"), ("UM",)),
    CancerTerm(("mucosal melanoma",), ("HNMUCM", "VMM", "ARMM", "ESMM")),
    CancerTerm(("non-melanoma skin cancer", "nonmelanoma skin cancer"), ("BCC", "CSCC")),
    CancerTerm(("basal cell carcinoma",), ("BCC",)),
    CancerTerm(
        (
            "cutaneous squamous cell carcinoma",
            "squamous cell carcinoma of the skin",
            "skin squamous cell carcinoma",
        ),
        ("CSCC",),
    ),
    CancerTerm(("merkel cell carcinoma",), ("MCC",)),
    # Head and neck, thyroid, thorax
    CancerTerm(
        (
            "head and neck squamous cell carcinoma",
            "squamous cell carcinoma of the head and neck",
            "head and neck cancer",
            "head and neck carcinoma",
        ),
        ("HNSC",),
    ),
    CancerTerm(("nasopharyngeal carcinoma", "nasopharyngeal cancer"), ("NPC",)),
    CancerTerm(("oral cavity cancer", "oral squamous cell carcinoma"), ("OCSC",)),
    CancerTerm(("laryngeal cancer", "laryngeal squamous cell carcinoma"), ("LXSC",)),
    CancerTerm(("oropharyngeal cancer", "oropharyngeal squamous cell carcinoma"), ("OPHSC",)),
    CancerTerm(("salivary gland cancer", "salivary gland carcinoma"), ("SACA",)),
    CancerTerm(("thyroid cancer", "thyroid carcinoma"), ("THYROID",)),
    CancerTerm(("papillary thyroid cancer", "papillary thyroid carcinoma"), ("THPA",)),
    CancerTerm(("anaplastic thyroid cancer", "anaplastic thyroid carcinoma"), ("THAP",)),
    CancerTerm(("medullary thyroid cancer", "medullary thyroid carcinoma"), ("THME",)),
    CancerTerm(("thymoma",), ("THYM",)),
    CancerTerm(("thymic carcinoma",), ("THYC",)),
    # Central nervous system
    CancerTerm(("glioblastoma", "glioblastoma multiforme"), ("GB",)),
    CancerTerm(("glioma",), ("DIFG", "ENCG")),
    CancerTerm(("high-grade glioma", "high grade glioma"), ("DIFG",), exact=False),
    CancerTerm(("low-grade glioma", "low grade glioma"), ("DIFG", "ENCG"), exact=False),
    CancerTerm(("diffuse glioma",), ("DIFG",)),
    CancerTerm(("diffuse intrinsic pontine glioma", "diffuse midline glioma"), ("DMG",)),
    CancerTerm(("astrocytoma", "anaplastic astrocytoma"), ("ASTR", "PAST", "DASTR", "GB")),
    CancerTerm(("pilocytic astrocytoma",), ("PAST",)),
    CancerTerm(("oligodendroglioma", "anaplastic oligodendroglioma"), ("ODG",)),
    CancerTerm(("medulloblastoma",), ("MBL",)),
    CancerTerm(("ependymoma",), ("EPMT",)),
    CancerTerm(
        (
            "atypical teratoid/rhabdoid tumor",
            "atypical teratoid rhabdoid tumor",
            "atypical teratoid/rhabdoid tumour",
        ),
        ("ATRT",),
    ),
    CancerTerm(("rhabdoid tumor", "malignant rhabdoid tumor"), ("MRT", "ATRT", "MRTL")),
    CancerTerm(
        ("embryonal tumor with multilayered rosettes", "embryonal tumor with abundant neuropil"),
        ("ETANTR",),
    ),
    CancerTerm(("meningioma",), ("MNG",)),
    CancerTerm(
        (
            "brain tumor",
            "brain cancer",
            "central nervous system tumor",
            "cns tumor",
            "primary brain tumor",
        ),
        ("BRAIN",),
    ),
    CancerTerm(("neuroblastoma",), ("NBL",)),
    CancerTerm(("retinoblastoma",), ("RBL",)),
    # Bone and soft tissue
    CancerTerm(
        (
            "ewing sarcoma",
            "ewing's sarcoma",
            "ewings sarcoma",
            "ewing tumor",
            "ewing's tumor",
            "ewing family tumor",
            "ewing sarcoma family of tumors",
            "ewing's family of tumors",
            "ewing-like sarcoma",
        ),
        ("ES",),
    ),
    CancerTerm(("osteosarcoma", "osteogenic sarcoma"), ("OS",)),
    CancerTerm(("dedifferentiated chondrosarcoma",), ("DDCHS",)),
    CancerTerm(("mesenchymal chondrosarcoma",), ("MCHS",)),
    CancerTerm(("extraskeletal myxoid chondrosarcoma",), ("EMCHS",)),
    CancerTerm(("myxoid chondrosarcoma",), ("MYCHS",)),
    CancerTerm(("chondrosarcoma",), ("CHS",)),
    CancerTerm(("chordoma",), ("CHDM",)),
    CancerTerm(("rhabdomyosarcoma",), ("RMS",)),
    CancerTerm(("leiomyosarcoma",), ("LMS", "ULMS")),
    CancerTerm(("liposarcoma",), ("LIPO",)),
    CancerTerm(("synovial sarcoma",), ("SYNS",)),
    CancerTerm(("angiosarcoma",), ("ANGS",)),
    CancerTerm(("desmoid tumor", "aggressive fibromatosis"), ("DES",)),
    CancerTerm(
        ("undifferentiated pleomorphic sarcoma", "malignant fibrous histiocytoma"), ("MFH",)
    ),
    CancerTerm(("soft tissue sarcoma", "soft-tissue sarcoma"), ("SOFT_TISSUE",), exact=False),
    CancerTerm(("bone sarcoma", "primary bone sarcoma"), ("BONE",), exact=False),
    CancerTerm(("sarcoma",), ("SOFT_TISSUE", "BONE", "USARC"), exact=False),
    # Blood
    CancerTerm(("acute myeloid leukemia", "acute myelogenous leukemia"), ("AML",)),
    CancerTerm(("acute lymphoblastic leukemia", "acute lymphocytic leukemia"), ("BLL", "TLL")),
    CancerTerm(("chronic lymphocytic leukemia", "small lymphocytic lymphoma"), ("CLLSLL",)),
    CancerTerm(("chronic myeloid leukemia", "chronic myelogenous leukemia"), ("CML",)),
    CancerTerm(("leukemia",), ("MNM", "LNM"), exact=False),
    CancerTerm(("myelodysplastic syndrome", "myelodysplasia"), ("MDS",)),
    CancerTerm(("myeloproliferative neoplasm",), ("MPN",)),
    CancerTerm(("multiple myeloma", "plasma cell myeloma", "myeloma"), ("PCM",)),
    CancerTerm(
        ("hodgkin lymphoma", "hodgkin's lymphoma", "hodgkin disease", "hodgkin's disease"),
        ("HL",),
    ),
    CancerTerm(
        ("non-hodgkin lymphoma", "non-hodgkin's lymphoma", "non-hodgkins lymphoma"), ("NHL",)
    ),
    CancerTerm(("diffuse large b-cell lymphoma", "diffuse large b cell lymphoma"), ("DLBCLNOS",)),
    CancerTerm(("follicular lymphoma",), ("FL",)),
    CancerTerm(("mantle cell lymphoma",), ("MCL",)),
    CancerTerm(("marginal zone lymphoma",), ("MZL",)),
    CancerTerm(("burkitt lymphoma", "burkitt's lymphoma"), ("BL",)),
    CancerTerm(("primary cns lymphoma", "primary central nervous system lymphoma"), ("PCNSL",)),
    CancerTerm(("lymphoma",), ("LNM",), exact=False),
    # Named so that "sarcoma" inside them is not read; OncoTree has no code for them.
    CancerTerm(("kaposi sarcoma", "kaposi's sarcoma"), ()),
    # Any site
    CancerTerm(
        ("solid tumor", "solid malignancy", "solid cancer", "advanced solid tumor"),
        ("SOLID",),
        exact=False,
    ),
    CancerTerm(("cancer of unknown primary", "carcinoma of unknown primary"), ("CUP",)),
)

# Abbreviations, matched only as written (upper case): "all", "os" and "es" are words or
# endpoints, so Ewing sarcoma and osteosarcoma have no abbreviation here.
CANCER_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "NSCLC": ("NSCLC",),
    "SCLC": ("SCLC",),
    "TNBC": ("BREAST",),
    "MBC": ("BREAST",),
    "CRC": ("COADREAD",),
    "mCRC": ("COADREAD",),
    "HCC": ("HCC",),
    "RCC": ("RCC",),
    "ccRCC": ("CCRCC",),
    "PDAC": ("PAAD",),
    "GIST": ("GIST",),
    "HNSCC": ("HNSC",),
    "SCCHN": ("HNSC",),
    "GBM": ("GB",),
    "DIPG": ("DMG",),
    "ATRT": ("ATRT",),
    "AT/RT": ("ATRT",),
    "AML": ("AML",),
    "CLL": ("CLLSLL",),
    "CML": ("CML",),
    "DLBCL": ("DLBCLNOS",),
    "NHL": ("NHL",),
    "mCRPC": ("PROSTATE",),
    "CRPC": ("PROSTATE",),
    "UCEC": ("UCEC",),
}
# Codes an abbreviation stands for only loosely (excluded from exclusion criteria).
BROAD_ABBREVIATIONS = frozenset({"TNBC", "mCRPC", "CRPC"})

# Words patients type in a search box, beyond the clinical phrases above.
LAY_TERMS: dict[str, tuple[str, ...]] = {
    "bone cancer": ("OS", "ES", "CHS", "CHDM"),
    "bone tumor": ("OS", "ES", "CHS", "CHDM"),
    "blood cancer": ("MYELOID", "LYMPH"),
    "skin cancer": ("SKIN",),
    "bowel cancer": ("COADREAD",),
    "womb cancer": ("UCEC",),
    "throat cancer": ("HEAD_NECK",),
    "mouth cancer": ("OCSC",),
    "oral cancer": ("OCSC",),
    "tongue cancer": ("OCSC",),
    "voice box cancer": ("LXSC",),
    "food pipe cancer": ("ESCA", "ESCC"),
    "gullet cancer": ("ESCA", "ESCC"),
    "eye cancer": ("EYE",),
    "brain tumour": ("BRAIN",),
    "spinal cord tumor": ("BRAIN",),
    "children's cancer": ("SOLID", "MYELOID", "LYMPH"),
    "soft tissue cancer": ("SOFT_TISSUE",),
    "muscle cancer": ("RMS", "LMS"),
    "fat cancer": ("LIPO",),
    "cartilage cancer": ("CHS",),
    "lymph node cancer": ("LNM",),
    "lymph cancer": ("LNM",),
    "marrow cancer": ("PCM", "MNM", "LNM"),
    "testicle cancer": ("TESTIS",),
    "gallbladder": ("GBC",),
    "nerve tumor": ("PNS",),
    "adrenal cancer": ("ACC",),
}


class Therapy(NamedTuple):
    """A treatment's normalized name and the classes it belongs to directly."""

    name: str
    parents: tuple[str, ...]


# Classes and drugs: each names its direct parent classes; `therapy_classes` walks up.
THERAPIES: tuple[Therapy, ...] = (
    Therapy("anticancer therapy", ()),
    Therapy("systemic therapy", ("anticancer therapy",)),
    Therapy("chemotherapy", ("systemic therapy",)),
    Therapy("platinum chemotherapy", ("chemotherapy",)),
    Therapy("taxane", ("chemotherapy",)),
    Therapy("anthracycline", ("chemotherapy",)),
    Therapy("fluoropyrimidine", ("chemotherapy",)),
    Therapy("targeted therapy", ("systemic therapy",)),
    Therapy("egfr tki", ("targeted therapy",)),
    Therapy("first/second-generation egfr tki", ("egfr tki",)),
    Therapy("third-generation egfr tki", ("egfr tki",)),
    Therapy("anti-egfr antibody", ("targeted therapy",)),
    Therapy("alk tki", ("targeted therapy",)),
    Therapy("ros1 tki", ("targeted therapy",)),
    Therapy("met tki", ("targeted therapy",)),
    Therapy("ret inhibitor", ("targeted therapy",)),
    Therapy("trk inhibitor", ("targeted therapy",)),
    Therapy("kras g12c inhibitor", ("targeted therapy",)),
    Therapy("braf inhibitor", ("targeted therapy",)),
    Therapy("mek inhibitor", ("targeted therapy",)),
    Therapy("her2-directed therapy", ("targeted therapy",)),
    Therapy("cdk4/6 inhibitor", ("targeted therapy",)),
    Therapy("parp inhibitor", ("targeted therapy",)),
    Therapy("mtor inhibitor", ("targeted therapy",)),
    Therapy("pi3k/akt inhibitor", ("targeted therapy",)),
    Therapy("anti-vegf therapy", ("targeted therapy",)),
    Therapy("multikinase inhibitor", ("targeted therapy",)),
    Therapy("bcr-abl tki", ("targeted therapy",)),
    Therapy("antibody-drug conjugate", ("systemic therapy",)),
    Therapy("immunotherapy", ("systemic therapy",)),
    Therapy("immune checkpoint inhibitor", ("immunotherapy",)),
    Therapy("pd-1/pd-l1 inhibitor", ("immune checkpoint inhibitor",)),
    Therapy("anti-pd-1", ("pd-1/pd-l1 inhibitor",)),
    Therapy("anti-pd-l1", ("pd-1/pd-l1 inhibitor",)),
    Therapy("anti-ctla-4", ("immune checkpoint inhibitor",)),
    Therapy("car t-cell therapy", ("immunotherapy",)),
    Therapy("anti-cd20 antibody", ("immunotherapy",)),
    Therapy("endocrine therapy", ("systemic therapy",)),
    Therapy("aromatase inhibitor", ("endocrine therapy",)),
    Therapy("androgen receptor pathway inhibitor", ("endocrine therapy",)),
    Therapy("androgen deprivation therapy", ("endocrine therapy",)),
    Therapy("radiotherapy", ("anticancer therapy",)),
    Therapy("stem cell transplant", ("anticancer therapy",)),
    Therapy("autologous stem cell transplant", ("stem cell transplant",)),
    Therapy("allogeneic stem cell transplant", ("stem cell transplant",)),
    Therapy("surgery", ("anticancer therapy",)),
    # EGFR
    Therapy("gefitinib", ("first/second-generation egfr tki",)),
    Therapy("erlotinib", ("first/second-generation egfr tki",)),
    Therapy("icotinib", ("first/second-generation egfr tki",)),
    Therapy("afatinib", ("first/second-generation egfr tki",)),
    Therapy("dacomitinib", ("first/second-generation egfr tki",)),
    Therapy("osimertinib", ("third-generation egfr tki",)),
    Therapy("lazertinib", ("third-generation egfr tki",)),
    Therapy("aumolertinib", ("third-generation egfr tki",)),
    Therapy("furmonertinib", ("third-generation egfr tki",)),
    Therapy("befotertinib", ("third-generation egfr tki",)),
    Therapy("rezivertinib", ("third-generation egfr tki",)),
    Therapy("amivantamab", ("anti-egfr antibody",)),
    Therapy("cetuximab", ("anti-egfr antibody",)),
    Therapy("panitumumab", ("anti-egfr antibody",)),
    Therapy("necitumumab", ("anti-egfr antibody",)),
    # ALK, ROS1, MET, RET, NTRK, KRAS, BRAF, MEK
    Therapy("crizotinib", ("alk tki", "ros1 tki", "met tki")),
    Therapy("ceritinib", ("alk tki",)),
    Therapy("alectinib", ("alk tki",)),
    Therapy("brigatinib", ("alk tki",)),
    Therapy("lorlatinib", ("alk tki",)),
    Therapy("ensartinib", ("alk tki",)),
    Therapy("entrectinib", ("ros1 tki", "trk inhibitor")),
    Therapy("repotrectinib", ("ros1 tki", "trk inhibitor")),
    Therapy("larotrectinib", ("trk inhibitor",)),
    Therapy("capmatinib", ("met tki",)),
    Therapy("tepotinib", ("met tki",)),
    Therapy("savolitinib", ("met tki",)),
    Therapy("selpercatinib", ("ret inhibitor",)),
    Therapy("pralsetinib", ("ret inhibitor",)),
    Therapy("sotorasib", ("kras g12c inhibitor",)),
    Therapy("adagrasib", ("kras g12c inhibitor",)),
    Therapy("vemurafenib", ("braf inhibitor",)),
    Therapy("dabrafenib", ("braf inhibitor",)),
    Therapy("encorafenib", ("braf inhibitor",)),
    Therapy("trametinib", ("mek inhibitor",)),
    Therapy("cobimetinib", ("mek inhibitor",)),
    Therapy("binimetinib", ("mek inhibitor",)),
    Therapy("selumetinib", ("mek inhibitor",)),
    # HER2
    Therapy("trastuzumab", ("her2-directed therapy",)),
    Therapy("pertuzumab", ("her2-directed therapy",)),
    Therapy("trastuzumab emtansine", ("her2-directed therapy", "antibody-drug conjugate")),
    Therapy("trastuzumab deruxtecan", ("her2-directed therapy", "antibody-drug conjugate")),
    Therapy("lapatinib", ("her2-directed therapy",)),
    Therapy("neratinib", ("her2-directed therapy",)),
    Therapy("tucatinib", ("her2-directed therapy",)),
    Therapy("margetuximab", ("her2-directed therapy",)),
    # Breast, ovary, prostate
    Therapy("palbociclib", ("cdk4/6 inhibitor",)),
    Therapy("ribociclib", ("cdk4/6 inhibitor",)),
    Therapy("abemaciclib", ("cdk4/6 inhibitor",)),
    Therapy("olaparib", ("parp inhibitor",)),
    Therapy("niraparib", ("parp inhibitor",)),
    Therapy("rucaparib", ("parp inhibitor",)),
    Therapy("talazoparib", ("parp inhibitor",)),
    Therapy("everolimus", ("mtor inhibitor",)),
    Therapy("temsirolimus", ("mtor inhibitor",)),
    Therapy("alpelisib", ("pi3k/akt inhibitor",)),
    Therapy("capivasertib", ("pi3k/akt inhibitor",)),
    Therapy("tamoxifen", ("endocrine therapy",)),
    Therapy("fulvestrant", ("endocrine therapy",)),
    Therapy("elacestrant", ("endocrine therapy",)),
    Therapy("letrozole", ("aromatase inhibitor",)),
    Therapy("anastrozole", ("aromatase inhibitor",)),
    Therapy("exemestane", ("aromatase inhibitor",)),
    Therapy("goserelin", ("endocrine therapy",)),
    Therapy("leuprolide", ("androgen deprivation therapy",)),
    Therapy("degarelix", ("androgen deprivation therapy",)),
    Therapy("enzalutamide", ("androgen receptor pathway inhibitor",)),
    Therapy("abiraterone", ("androgen receptor pathway inhibitor",)),
    Therapy("apalutamide", ("androgen receptor pathway inhibitor",)),
    Therapy("darolutamide", ("androgen receptor pathway inhibitor",)),
    # Immunotherapy
    Therapy("pembrolizumab", ("anti-pd-1",)),
    Therapy("nivolumab", ("anti-pd-1",)),
    Therapy("cemiplimab", ("anti-pd-1",)),
    Therapy("dostarlimab", ("anti-pd-1",)),
    Therapy("tislelizumab", ("anti-pd-1",)),
    Therapy("toripalimab", ("anti-pd-1",)),
    Therapy("sintilimab", ("anti-pd-1",)),
    Therapy("camrelizumab", ("anti-pd-1",)),
    Therapy("retifanlimab", ("anti-pd-1",)),
    Therapy("atezolizumab", ("anti-pd-l1",)),
    Therapy("durvalumab", ("anti-pd-l1",)),
    Therapy("avelumab", ("anti-pd-l1",)),
    Therapy("sugemalimab", ("anti-pd-l1",)),
    Therapy("ipilimumab", ("anti-ctla-4",)),
    Therapy("tremelimumab", ("anti-ctla-4",)),
    Therapy("rituximab", ("anti-cd20 antibody",)),
    # Anti-angiogenic and multikinase
    Therapy("bevacizumab", ("anti-vegf therapy",)),
    Therapy("ramucirumab", ("anti-vegf therapy",)),
    Therapy("aflibercept", ("anti-vegf therapy",)),
    Therapy("sorafenib", ("multikinase inhibitor",)),
    Therapy("sunitinib", ("multikinase inhibitor",)),
    Therapy("pazopanib", ("multikinase inhibitor",)),
    Therapy("regorafenib", ("multikinase inhibitor",)),
    Therapy("lenvatinib", ("multikinase inhibitor",)),
    Therapy("cabozantinib", ("multikinase inhibitor",)),
    Therapy("axitinib", ("multikinase inhibitor",)),
    Therapy("anlotinib", ("multikinase inhibitor",)),
    Therapy("imatinib", ("bcr-abl tki",)),
    Therapy("dasatinib", ("bcr-abl tki",)),
    Therapy("nilotinib", ("bcr-abl tki",)),
    # Antibody-drug conjugates
    Therapy("sacituzumab govitecan", ("antibody-drug conjugate",)),
    Therapy("enfortumab vedotin", ("antibody-drug conjugate",)),
    Therapy("datopotamab deruxtecan", ("antibody-drug conjugate",)),
    # Chemotherapy
    Therapy("carboplatin", ("platinum chemotherapy",)),
    Therapy("cisplatin", ("platinum chemotherapy",)),
    Therapy("oxaliplatin", ("platinum chemotherapy",)),
    Therapy("paclitaxel", ("taxane",)),
    Therapy("nab-paclitaxel", ("taxane",)),
    Therapy("docetaxel", ("taxane",)),
    Therapy("cabazitaxel", ("taxane",)),
    Therapy("doxorubicin", ("anthracycline",)),
    Therapy("epirubicin", ("anthracycline",)),
    Therapy("daunorubicin", ("anthracycline",)),
    Therapy("idarubicin", ("anthracycline",)),
    Therapy("capecitabine", ("fluoropyrimidine",)),
    Therapy("fluorouracil", ("fluoropyrimidine",)),
    Therapy("pemetrexed", ("chemotherapy",)),
    Therapy("gemcitabine", ("chemotherapy",)),
    Therapy("vinorelbine", ("chemotherapy",)),
    Therapy("vincristine", ("chemotherapy",)),
    Therapy("vinblastine", ("chemotherapy",)),
    Therapy("etoposide", ("chemotherapy",)),
    Therapy("irinotecan", ("chemotherapy",)),
    Therapy("topotecan", ("chemotherapy",)),
    Therapy("temozolomide", ("chemotherapy",)),
    Therapy("cyclophosphamide", ("chemotherapy",)),
    Therapy("ifosfamide", ("chemotherapy",)),
    Therapy("methotrexate", ("chemotherapy",)),
    Therapy("eribulin", ("chemotherapy",)),
    Therapy("trabectedin", ("chemotherapy",)),
    Therapy("dacarbazine", ("chemotherapy",)),
    Therapy("lurbinectedin", ("chemotherapy",)),
    Therapy("bendamustine", ("chemotherapy",)),
    Therapy("cytarabine", ("chemotherapy",)),
    Therapy("lomustine", ("chemotherapy",)),
    Therapy("carmustine", ("chemotherapy",)),
)
THERAPY_PARENTS: dict[str, tuple[str, ...]] = {t.name: t.parents for t in THERAPIES}
# Names that are classes of other therapies ("chemotherapy", "egfr tki"), not one drug.
THERAPY_CLASSES = frozenset(parent for t in THERAPIES for parent in t.parents)

# Regimens written by their acronym in a treatment history, as the anticancer drugs (names
# in THERAPIES) they give; supportive drugs of a regimen (leucovorin, mesna, prednisone in
# R-CHOP) are left out. Only acronyms that mean one regimen across cancers are here ("TC" is
# docetaxel-cyclophosphamide in breast cancer, paclitaxel-carboplatin in ovarian cancer), and
# only regimens whose every anticancer drug THERAPIES knows (not ABVD: bleomycin).
REGIMENS: dict[str, tuple[str, ...]] = {
    "folfox": ("fluorouracil", "oxaliplatin"),
    "mfolfox6": ("fluorouracil", "oxaliplatin"),
    "folfiri": ("fluorouracil", "irinotecan"),
    "folfirinox": ("fluorouracil", "irinotecan", "oxaliplatin"),
    "mfolfirinox": ("fluorouracil", "irinotecan", "oxaliplatin"),
    "capox": ("capecitabine", "oxaliplatin"),
    "xelox": ("capecitabine", "oxaliplatin"),
    "flot": ("fluorouracil", "docetaxel", "oxaliplatin"),
    "chop": ("cyclophosphamide", "doxorubicin", "vincristine"),
    "r-chop": ("rituximab", "cyclophosphamide", "doxorubicin", "vincristine"),
    "tchp": ("docetaxel", "carboplatin", "trastuzumab", "pertuzumab"),
    "vdc": ("vincristine", "doxorubicin", "cyclophosphamide"),
    "ie": ("ifosfamide", "etoposide"),
    "map": ("methotrexate", "doxorubicin", "cisplatin"),
}
# Drugs given with a regimen that are not anticancer therapy: a history naming them is no
# less complete.
SUPPORTIVE_DRUGS = frozenset(
    {
        "leucovorin",
        "folinic acid",
        "levoleucovorin",
        "mesna",
        "dexamethasone",
        "prednisone",
        "prednisolone",
        "filgrastim",
        "pegfilgrastim",
        "g-csf",
        "ondansetron",
        "zoledronic acid",
        "denosumab",
    }
)

# Other ways texts name a treatment or class, mapped to the normalized name. Every name in
# THERAPIES is also read as itself.
THERAPY_SYNONYMS: dict[str, str] = {
    # classes
    "anti-cancer therapy": "anticancer therapy",
    "anti-cancer treatment": "anticancer therapy",
    "anticancer treatment": "anticancer therapy",
    "antineoplastic therapy": "anticancer therapy",
    "antineoplastic treatment": "anticancer therapy",
    "anti-tumor therapy": "anticancer therapy",
    "antitumor therapy": "anticancer therapy",
    "cancer therapy": "anticancer therapy",
    "cancer treatment": "anticancer therapy",
    "systemic treatment": "systemic therapy",
    "systemic antineoplastic therapy": "systemic therapy",
    "systemic antineoplastic treatment": "systemic therapy",
    "systemic anticancer treatment": "systemic therapy",
    "systemic anti-cancer treatment": "systemic therapy",
    "systemic anticancer therapy": "systemic therapy",
    "systemic anti-cancer therapy": "systemic therapy",
    "systemic chemotherapy": "chemotherapy",
    "cytotoxic chemotherapy": "chemotherapy",
    "cytotoxic therapy": "chemotherapy",
    "chemo": "chemotherapy",
    "platinum-based chemotherapy": "platinum chemotherapy",
    "platinum-containing chemotherapy": "platinum chemotherapy",
    "platinum-based doublet": "platinum chemotherapy",
    "platinum-based doublet chemotherapy": "platinum chemotherapy",
    "platinum doublet": "platinum chemotherapy",
    "platinum-doublet chemotherapy": "platinum chemotherapy",
    "platinum-based therapy": "platinum chemotherapy",
    "platinum-based regimen": "platinum chemotherapy",
    "platinum-containing regimen": "platinum chemotherapy",
    "platinum agent": "platinum chemotherapy",
    "platinum": "platinum chemotherapy",
    "taxanes": "taxane",
    "taxane-based chemotherapy": "taxane",
    "anthracyclines": "anthracycline",
    "anthracycline-based chemotherapy": "anthracycline",
    "fluoropyrimidines": "fluoropyrimidine",
    "targeted agent": "targeted therapy",
    "egfr-tki": "egfr tki",
    "egfr tkis": "egfr tki",
    "egfr-tkis": "egfr tki",
    "egfr tyrosine kinase inhibitor": "egfr tki",
    "egfr tyrosine kinase inhibitors": "egfr tki",
    "egfr-tyrosine kinase inhibitor": "egfr tki",
    "egfr tki therapy": "egfr tki",
    "third-generation egfr-tki": "third-generation egfr tki",
    "third generation egfr tki": "third-generation egfr tki",
    "third-generation egfr tyrosine kinase inhibitor": "third-generation egfr tki",
    "3rd generation egfr tki": "third-generation egfr tki",
    "3rd-generation egfr-tki": "third-generation egfr tki",
    "third-generation egfr inhibitor": "third-generation egfr tki",
    "first-generation egfr tki": "first/second-generation egfr tki",
    "first- or second-generation egfr tki": "first/second-generation egfr tki",
    "first or second generation egfr tki": "first/second-generation egfr tki",
    "1st/2nd generation egfr tki": "first/second-generation egfr tki",
    "second-generation egfr tki": "first/second-generation egfr tki",
    "anti-egfr antibody": "anti-egfr antibody",
    "anti-egfr monoclonal antibody": "anti-egfr antibody",
    "anti-egfr therapy": "anti-egfr antibody",
    "alk inhibitor": "alk tki",
    "alk-tki": "alk tki",
    "alk tyrosine kinase inhibitor": "alk tki",
    "ros1 inhibitor": "ros1 tki",
    "met inhibitor": "met tki",
    "ret-selective inhibitor": "ret inhibitor",
    "trk inhibitor": "trk inhibitor",
    "ntrk inhibitor": "trk inhibitor",
    "kras g12c inhibitor": "kras g12c inhibitor",
    "braf inhibitor": "braf inhibitor",
    "mek inhibitor": "mek inhibitor",
    "her2-directed therapy": "her2-directed therapy",
    "her2-targeted therapy": "her2-directed therapy",
    "anti-her2 therapy": "her2-directed therapy",
    "anti-her2 treatment": "her2-directed therapy",
    "her2-directed treatment": "her2-directed therapy",
    "her2-targeted treatment": "her2-directed therapy",
    "cdk4/6 inhibitor": "cdk4/6 inhibitor",
    "cdk 4/6 inhibitor": "cdk4/6 inhibitor",
    "cdk4/6i": "cdk4/6 inhibitor",
    "cdk inhibitor": "cdk4/6 inhibitor",
    "cyclin-dependent kinase 4/6 inhibitor": "cdk4/6 inhibitor",
    "parp inhibitor": "parp inhibitor",
    "parpi": "parp inhibitor",
    "mtor inhibitor": "mtor inhibitor",
    "pi3k inhibitor": "pi3k/akt inhibitor",
    "akt inhibitor": "pi3k/akt inhibitor",
    "anti-vegf": "anti-vegf therapy",
    "anti-vegf therapy": "anti-vegf therapy",
    "anti-angiogenic therapy": "anti-vegf therapy",
    "antiangiogenic therapy": "anti-vegf therapy",
    "vegf inhibitor": "anti-vegf therapy",
    "antibody-drug conjugate": "antibody-drug conjugate",
    "antibody drug conjugate": "antibody-drug conjugate",
    "immune checkpoint inhibitor": "immune checkpoint inhibitor",
    "immune checkpoint inhibitors": "immune checkpoint inhibitor",
    "checkpoint inhibitor": "immune checkpoint inhibitor",
    "immune checkpoint blockade": "immune checkpoint inhibitor",
    "immune checkpoint inhibitor therapy": "immune checkpoint inhibitor",
    "immune-oncology therapy": "immunotherapy",
    "immuno-oncology therapy": "immunotherapy",
    "anti-pd-1": "anti-pd-1",
    "anti-pd1": "anti-pd-1",
    "anti pd-1": "anti-pd-1",
    "pd-1 inhibitor": "anti-pd-1",
    "pd-1 antibody": "anti-pd-1",
    "anti-pd-1 antibody": "anti-pd-1",
    "anti-pd-1 therapy": "anti-pd-1",
    "anti-programmed death-1": "anti-pd-1",
    "anti-pd-l1": "anti-pd-l1",
    "anti-pdl1": "anti-pd-l1",
    "pd-l1 inhibitor": "anti-pd-l1",
    "anti-pd-l1 antibody": "anti-pd-l1",
    "anti-pd-1/pd-l1": "pd-1/pd-l1 inhibitor",
    "anti-pd-1/l1": "pd-1/pd-l1 inhibitor",
    "anti-pd-(l)1": "pd-1/pd-l1 inhibitor",
    "pd-1/pd-l1 inhibitor": "pd-1/pd-l1 inhibitor",
    "anti-pd-1/anti-pd-l1": "pd-1/pd-l1 inhibitor",
    "anti-pd-1 or anti-pd-l1": "pd-1/pd-l1 inhibitor",
    "anti-pd-1 or pd-l1": "pd-1/pd-l1 inhibitor",
    "pd-1 or pd-l1 inhibitor": "pd-1/pd-l1 inhibitor",
    "anti-ctla-4": "anti-ctla-4",
    "anti-ctla4": "anti-ctla-4",
    "ctla-4 inhibitor": "anti-ctla-4",
    "car-t": "car t-cell therapy",
    "car t-cell therapy": "car t-cell therapy",
    "car-t cell therapy": "car t-cell therapy",
    "chimeric antigen receptor t-cell therapy": "car t-cell therapy",
    "endocrine treatment": "endocrine therapy",
    "hormonal therapy": "endocrine therapy",
    "hormone therapy": "endocrine therapy",
    "hormonal treatment": "endocrine therapy",
    "anti-hormonal therapy": "endocrine therapy",
    "antihormonal therapy": "endocrine therapy",
    "aromatase inhibitors": "aromatase inhibitor",
    "androgen deprivation therapy": "androgen deprivation therapy",
    "adt": "androgen deprivation therapy",
    "androgen deprivation": "androgen deprivation therapy",
    "novel hormonal agent": "androgen receptor pathway inhibitor",
    "androgen receptor pathway inhibitor": "androgen receptor pathway inhibitor",
    "radiation therapy": "radiotherapy",
    "radiation treatment": "radiotherapy",
    "radiation": "radiotherapy",
    "irradiation": "radiotherapy",
    "chemoradiotherapy": "chemotherapy",
    "chemoradiation": "chemotherapy",
    "xrt": "radiotherapy",
    "stem cell transplantation": "stem cell transplant",
    "autologous or allogeneic stem cell transplant": "stem cell transplant",
    "autologous or allogeneic stem cell transplantation": "stem cell transplant",
    "allogeneic or autologous stem cell transplant": "stem cell transplant",
    "allogeneic or autologous stem cell transplantation": "stem cell transplant",
    "hematopoietic stem cell transplant": "stem cell transplant",
    "hematopoietic stem cell transplantation": "stem cell transplant",
    "bone marrow transplant": "stem cell transplant",
    "bone marrow transplantation": "stem cell transplant",
    "autologous stem cell transplantation": "autologous stem cell transplant",
    "autologous transplant": "autologous stem cell transplant",
    "autologous hematopoietic stem cell transplantation": "autologous stem cell transplant",
    "allogeneic stem cell transplantation": "allogeneic stem cell transplant",
    "allogeneic transplant": "allogeneic stem cell transplant",
    "allogeneic hematopoietic stem cell transplantation": "allogeneic stem cell transplant",
    "allogeneic bone marrow transplant": "allogeneic stem cell transplant",
    # drugs: brand names, codes and spellings
    "tagrisso": "osimertinib",
    "iressa": "gefitinib",
    "tarceva": "erlotinib",
    "gilotrif": "afatinib",
    "vizimpro": "dacomitinib",
    "almonertinib": "aumolertinib",
    "alflutinib": "furmonertinib",
    "rybrevant": "amivantamab",
    "erbitux": "cetuximab",
    "vectibix": "panitumumab",
    "xalkori": "crizotinib",
    "zykadia": "ceritinib",
    "alecensa": "alectinib",
    "alunbrig": "brigatinib",
    "lorbrena": "lorlatinib",
    "rozlytrek": "entrectinib",
    "vitrakvi": "larotrectinib",
    "tabrecta": "capmatinib",
    "tepmetko": "tepotinib",
    "retevmo": "selpercatinib",
    "gavreto": "pralsetinib",
    "lumakras": "sotorasib",
    "krazati": "adagrasib",
    "herceptin": "trastuzumab",
    "perjeta": "pertuzumab",
    "t-dm1": "trastuzumab emtansine",
    "tdm-1": "trastuzumab emtansine",
    "ado-trastuzumab emtansine": "trastuzumab emtansine",
    "kadcyla": "trastuzumab emtansine",
    "t-dxd": "trastuzumab deruxtecan",
    "ds-8201": "trastuzumab deruxtecan",
    "fam-trastuzumab deruxtecan": "trastuzumab deruxtecan",
    "enhertu": "trastuzumab deruxtecan",
    "tykerb": "lapatinib",
    "nerlynx": "neratinib",
    "tukysa": "tucatinib",
    "ibrance": "palbociclib",
    "kisqali": "ribociclib",
    "verzenio": "abemaciclib",
    "lynparza": "olaparib",
    "zejula": "niraparib",
    "afinitor": "everolimus",
    "piqray": "alpelisib",
    "zoladex": "goserelin",
    "lupron": "leuprolide",
    "leuprorelin": "leuprolide",
    "xtandi": "enzalutamide",
    "zytiga": "abiraterone",
    "abiraterone acetate": "abiraterone",
    "keytruda": "pembrolizumab",
    "mk-3475": "pembrolizumab",
    "opdivo": "nivolumab",
    "libtayo": "cemiplimab",
    "jemperli": "dostarlimab",
    "tecentriq": "atezolizumab",
    "imfinzi": "durvalumab",
    "bavencio": "avelumab",
    "yervoy": "ipilimumab",
    "rituxan": "rituximab",
    "avastin": "bevacizumab",
    "cyramza": "ramucirumab",
    "nexavar": "sorafenib",
    "sutent": "sunitinib",
    "lenvima": "lenvatinib",
    "cabometyx": "cabozantinib",
    "gleevec": "imatinib",
    "trodelvy": "sacituzumab govitecan",
    "padcev": "enfortumab vedotin",
    "paraplatin": "carboplatin",
    "platinol": "cisplatin",
    "taxol": "paclitaxel",
    "abraxane": "nab-paclitaxel",
    "nanoparticle albumin-bound paclitaxel": "nab-paclitaxel",
    "albumin-bound paclitaxel": "nab-paclitaxel",
    "taxotere": "docetaxel",
    "adriamycin": "doxorubicin",
    "liposomal doxorubicin": "doxorubicin",
    "pegylated liposomal doxorubicin": "doxorubicin",
    "xeloda": "capecitabine",
    "5-fluorouracil": "fluorouracil",
    "5-fu": "fluorouracil",
    "alimta": "pemetrexed",
    "gemzar": "gemcitabine",
    "navelbine": "vinorelbine",
    "cpt-11": "irinotecan",
    "camptosar": "irinotecan",
    "temodar": "temozolomide",
    "temodal": "temozolomide",
    "cytoxan": "cyclophosphamide",
    "halaven": "eribulin",
    "ccnu": "lomustine",
    "bcnu": "carmustine",
    "ara-c": "cytarabine",
}


class TherapyMention(NamedTuple):
    start: int
    end: int
    name: str


class CancerMention(NamedTuple):
    start: int
    end: int
    phrase: str
    codes: tuple[str, ...]
    exact: bool


# Oncology genes a criterion or note may name with an alteration. Matched case-sensitively
# (with the common mixed-case aliases below) so that words like "met" or "ret" are not read
# as genes; "ER", "PR" and "HR" are read only next to a status word.
BIOMARKER_GENES: frozenset[str] = frozenset(
    [
        "ABL1",
        "AKT1",
        "ALK",
        "APC",
        "AR",
        "ARID1A",
        "ATM",
        "ATR",
        "ATRX",
        "BAP1",
        "BARD1",
        "BCL2",
        "BCOR",
        "BCR",
        "BRAF",
        "BRCA1",
        "BRCA2",
        "BRIP1",
        "CALR",
        "CCND1",
        "CD274",
        "CDH1",
        "CDK12",
        "CDK4",
        "CDK6",
        "CDKN2A",
        "CDKN2B",
        "CHEK2",
        "CIC",
        "CTNNB1",
        "DDR2",
        "DICER1",
        "EGFR",
        "EPCAM",
        "ERBB2",
        "ERBB3",
        "ERBB4",
        "ESR1",
        "EWSR1",
        "EZH2",
        "FGFR1",
        "FGFR2",
        "FGFR3",
        "FGFR4",
        "FH",
        "FLT3",
        "FOXL2",
        "FOXO1",
        "FUS",
        "GNA11",
        "GNAQ",
        "H3F3A",
        "HRAS",
        "IDH1",
        "IDH2",
        "JAK2",
        "KDR",
        "KEAP1",
        "KIT",
        "KMT2A",
        "KRAS",
        "MAP2K1",
        "MDM2",
        "MET",
        "MLH1",
        "MPL",
        "MSH2",
        "MSH6",
        "MTAP",
        "MYC",
        "MYCN",
        "NF1",
        "NF2",
        "NOTCH1",
        "NPM1",
        "NRAS",
        "NRG1",
        "NTRK1",
        "NTRK2",
        "NTRK3",
        "NUTM1",
        "PALB2",
        "PAX3",
        "PAX7",
        "PDGFRA",
        "PGR",
        "PIK3CA",
        "PMS2",
        "POLE",
        "POLD1",
        "PTEN",
        "RAD51C",
        "RAD51D",
        "RB1",
        "RET",
        "ROS1",
        "SDHB",
        "SMAD4",
        "SMARCA4",
        "SMARCB1",
        "SS18",
        "STK11",
        "TERT",
        "TP53",
        "TSC1",
        "TSC2",
        "VHL",
    ]
)
# Mixed-case spellings seen in trial texts, with the symbol they stand for.
GENE_SPELLINGS: dict[str, str] = {
    "Her2": "ERBB2",
    "Her-2": "ERBB2",
    "HER2/neu": "ERBB2",
    "Her2/neu": "ERBB2",
    "HER-2/neu": "ERBB2",
    "HER2neu": "ERBB2",
    "erbB2": "ERBB2",
    "ErbB2": "ERBB2",
    "ErbB-2": "ERBB2",
    "c-MET": "MET",
    "c-Met": "MET",
    "cMET": "MET",
    "c-KIT": "KIT",
    "c-Kit": "KIT",
    "c-kit": "KIT",
    "p53": "TP53",
    "BRCA 1": "BRCA1",
    "BRCA 2": "BRCA2",
    "PD-L1": "CD274",
    "PDL1": "CD274",
    "PDL-1": "CD274",
    "MLH-1": "MLH1",
}
# Names that stand for any of several genes ("BRCA1/2 mutation", "RAS wild-type").
GENE_FAMILIES: dict[str, tuple[str, ...]] = {
    "BRCA": ("BRCA1", "BRCA2"),
    "BRCA1/2": ("BRCA1", "BRCA2"),
    "BRCA 1/2": ("BRCA1", "BRCA2"),
    "BRCA1/BRCA2": ("BRCA1", "BRCA2"),
    "BRCA1 or BRCA2": ("BRCA1", "BRCA2"),
    "BRCA1 and/or BRCA2": ("BRCA1", "BRCA2"),
    "NTRK": ("NTRK1", "NTRK2", "NTRK3"),
    "NTRK1/2/3": ("NTRK1", "NTRK2", "NTRK3"),
    "NTRK 1/2/3": ("NTRK1", "NTRK2", "NTRK3"),
    "IDH": ("IDH1", "IDH2"),
    "IDH1/2": ("IDH1", "IDH2"),
    "IDH1/IDH2": ("IDH1", "IDH2"),
    "IDH1 or IDH2": ("IDH1", "IDH2"),
    "RAS": ("KRAS", "NRAS", "HRAS"),
    "FGFR": ("FGFR1", "FGFR2", "FGFR3"),
    "FGFR1-3": ("FGFR1", "FGFR2", "FGFR3"),
    "FGFR1/2/3": ("FGFR1", "FGFR2", "FGFR3"),
}
# Protein changes that name their gene on their own in trial texts.
CHANGE_GENES: dict[str, str] = {
    "L858R": "EGFR",
    "T790M": "EGFR",
    "C797S": "EGFR",
    "L861Q": "EGFR",
    "G719X": "EGFR",
    "S768I": "EGFR",
    "V600E": "BRAF",
    "V600K": "BRAF",
    "R132H": "IDH1",
}


def gene_symbols() -> dict[str, str]:
    """Every spelling read as a gene, mapped to its HGNC symbol."""
    spellings = {symbol: symbol for symbol in BIOMARKER_GENES}
    for alias, symbol in GENE_ALIASES.items():
        # Aliases are upper case; single short words (NEU, ROS) would be read too eagerly.
        if symbol in BIOMARKER_GENES and len(alias) >= 3 and alias not in ("NEU", "ROS", "MLL"):
            spellings[alias] = symbol
    spellings.update(GENE_SPELLINGS)
    return spellings


def therapy_classes(name: str) -> frozenset[str]:
    """`name` and every class it belongs to ("osimertinib" → … "egfr tki", "targeted therapy")."""
    found: set[str] = set()
    stack = [name]
    while stack:
        current = stack.pop()
        if current in found:
            continue
        found.add(current)
        stack.extend(THERAPY_PARENTS.get(current, ()))
    return frozenset(found)


def normalize_therapy(text: str) -> str | None:
    """The normalized name of a treatment as written ("Keytruda" → "pembrolizumab"), or None."""
    return _therapy_lookup().get(_key(text))


def lay_terms() -> dict[str, tuple[str, ...]]:
    """Every cancer word a search box understands (clinical and lay), lower case → codes."""
    terms: dict[str, tuple[str, ...]] = {}
    for term in CANCER_TERMS:
        for phrase in term.phrases:
            if term.codes:
                terms[phrase] = term.codes
    for abbreviation, codes in CANCER_ABBREVIATIONS.items():
        terms.setdefault(abbreviation.lower(), codes)
    terms.update(LAY_TERMS)
    return terms


def find_cancer_terms(text: str) -> list[CancerMention]:
    """The cancer names in `text`, longest first at each place, with their codes."""
    found: list[CancerMention] = []
    for start, end, (codes, exact) in _cancer_index().find(text):
        if _NON_PREFIX.search(text, max(0, start - 5), start):
            # "non-melanoma", "non small cell" read as a different term or not at all.
            continue
        found.append(CancerMention(start, end, text[start:end], codes, exact))
    for match in _ABBREVIATION_RE.finditer(text):
        word = match.group(1)
        found.append(
            CancerMention(
                match.start(1),
                match.end(1),
                word,
                CANCER_ABBREVIATIONS[word],
                word not in BROAD_ABBREVIATIONS,
            )
        )
    found.sort()
    return _drop_overlaps(found)


def find_therapies(text: str) -> list[TherapyMention]:
    """The treatments and treatment classes named in `text`, normalized."""
    return [TherapyMention(start, end, name) for start, end, name in _therapy_index().find(text)]


_NON_PREFIX = re.compile(r"\bnon[\s-]?$", re.IGNORECASE)
_ABBREVIATION_RE = re.compile(
    r"(?<![A-Za-z0-9/-])("
    + "|".join(re.escape(a) for a in sorted(CANCER_ABBREVIATIONS, key=len, reverse=True))
    + r")s?(?![A-Za-z0-9-])"
)
_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2013'\u2019/]+")
_TOKEN = re.compile(r"[^\s\-\u2010\u2011\u2013'\u2019/]+")
_EDGE_PUNCTUATION = '.,;:!?()[]{}"“”*'


def _key(text: str) -> str:
    lowered = text.lower().replace("tumour", "tumor").replace("leukaem", "leukem")
    lowered = lowered.replace("oesophag", "esophag")
    return _SEPARATORS.sub("", lowered)


def _singular(key: str) -> str:
    if key.endswith("es") and not key.endswith("ses"):
        return key[:-1]
    return key[:-1] if key.endswith("s") else key


class _PhraseIndex(Generic[_V]):
    """Finds phrases by their words: spaces, hyphens, slashes and apostrophes are read alike,
    a plural "s" is dropped, British spellings are read. One dictionary look-up per word and
    phrase length, where one big regular expression would try every phrase at every letter."""

    def __init__(self, phrases: Iterable[tuple[str, _V]]) -> None:
        self.values: dict[str, _V] = {}
        self.prefixes: set[str] = set()
        self.longest = 1
        for phrase, value in phrases:
            tokens = [_key(t) for t in _TOKEN.findall(phrase)]
            self.values.setdefault("".join(tokens), value)
            self.longest = max(self.longest, len(tokens))
            # Every prefix of the joined key, so "gall bladder" finds "gallbladder".
            joined = "".join(tokens)
            self.prefixes.update(joined[:size] for size in range(1, len(joined)))

    def find(self, text: str) -> list[tuple[int, int, _V]]:
        tokens: list[tuple[int, int, str]] = []
        for match in _TOKEN.finditer(text):
            word = match.group(0)
            start, end = match.start(), match.end()
            stripped = word.strip(_EDGE_PUNCTUATION)
            if not stripped:
                continue
            start += word.index(stripped)
            end = start + len(stripped)
            tokens.append((start, end, _key(stripped)))
        found: list[tuple[int, int, _V]] = []
        index = 0
        while index < len(tokens):
            key = ""
            best: tuple[int, _V] | None = None
            for last in range(index, min(len(tokens), index + self.longest)):
                if last > index and tokens[last - 1][1] != tokens[last][0]:
                    gap = text[tokens[last - 1][1] : tokens[last][0]]
                    if not _SEPARATORS.fullmatch(gap):
                        break  # punctuation between words ends a phrase
                key += tokens[last][2]
                value = self.values.get(key)
                if value is None and key.endswith("s"):
                    value = self.values.get(_singular(key))
                if value is not None:
                    best = (last, value)
                if key not in self.prefixes:
                    break
            if best is None:
                index += 1
                continue
            last, value = best
            found.append((tokens[index][0], tokens[last][1], value))
            index = last + 1
        return found


@cache
def _cancer_index() -> _PhraseIndex[tuple[tuple[str, ...], bool]]:
    return _PhraseIndex(
        (phrase, (term.codes, term.exact)) for term in CANCER_TERMS for phrase in term.phrases
    )


@cache
def _therapy_index() -> _PhraseIndex[str]:
    return _PhraseIndex([(name, name) for name in THERAPY_PARENTS] + list(THERAPY_SYNONYMS.items()))


@cache
def _therapy_lookup() -> Mapping[str, str]:
    lookup = {_key(name): name for name in THERAPY_PARENTS}
    lookup.update({_key(word): name for word, name in THERAPY_SYNONYMS.items()})
    return lookup


def _drop_overlaps(mentions: list[CancerMention]) -> list[CancerMention]:
    kept: list[CancerMention] = []
    for mention in mentions:
        if kept and mention.start < kept[-1].end:
            if mention.end - mention.start > kept[-1].end - kept[-1].start:
                kept[-1] = mention
            continue
        kept.append(mention)
    return kept
