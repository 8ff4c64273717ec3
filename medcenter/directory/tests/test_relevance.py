# ruff: noqa: RUF001 - patients' queries in six scripts
"""The relevance table: what a worried person types, and what must come up in the top 3.

Queries are written the way patients and families type them: single words, symptoms in lay
words, abbreviations from a report, typos, in every site language. Each names the program that
must be among the first three suggested, or the clinician who must be among the first three
doctors; service queries ("second opinion", "surgery" + a condition) name what the first three
doctors must do. Runs against the demo directory on SQLite and on PostgreSQL (make test runs
both).
"""

import pytest

from medcenter.directory.models import Clinician
from medcenter.directory.search import DoctorQuery, search_doctors

SINGLE_WORDS = [
    ("prostate", "genitourinary"),
    ("ovarian", "gynecologic"),
    ("hodgkin", "lymphoma"),
    ("Ewing", "bone-sarcoma"),
    ("sarcoma", "bone-sarcoma"),
    ("lung", "thoracic"),
    ("breast", "breast"),
    ("colon", "gastrointestinal"),
    ("stomach", "gastrointestinal"),
    ("liver", "liver-pancreas-biliary"),
    ("pancreas", "liver-pancreas-biliary"),
    ("kidney", "genitourinary"),
    ("bladder", "genitourinary"),
    ("testicle", "genitourinary"),
    ("cervix", "gynecologic"),
    ("uterus", "gynecologic"),
    ("thyroid", "endocrine"),
    ("throat", "head-neck"),
    ("tongue", "head-neck"),
    ("skin", "melanoma-skin"),
    ("mole", "melanoma-skin"),
    ("brain", "neuro-oncology"),
    ("eye", "ocular"),
    ("leukemia", "leukemia"),
    ("lymphoma", "lymphoma"),
    ("myeloma", "myeloma"),
    ("spine", "bone-spine-metastasis"),
    ("pain", "supportive-palliative"),
    ("nausea", "supportive-palliative"),
    ("transplant", "transplant-cellular-therapy"),
    ("genetic", "cancer-genetics"),
    ("survivor", "survivorship"),
    ("rehab", "rehabilitation"),
    ("elderly", "geriatric"),
    ("teenager", "adolescent-young-adult"),
    ("child", "pediatric"),
    ("mesothelioma", "thoracic"),
    ("neuroblastoma", "pediatric"),
    ("glioblastoma", "neuro-oncology"),
    ("melanoma", "melanoma-skin"),
]

ABBREVIATIONS = [
    ("CLL", "leukemia"),
    ("AML", "leukemia"),
    ("ALL", "leukemia"),
    ("CML", "leukemia"),
    ("MDS", "leukemia"),
    ("GIST", "gastrointestinal"),
    ("NSCLC", "thoracic"),
    ("SCLC", "thoracic"),
    ("DCIS", "breast"),
    ("TNBC", "breast"),
    ("HCC", "liver-pancreas-biliary"),
    ("RCC", "genitourinary"),
    ("GBM", "neuro-oncology"),
    ("NHL", "lymphoma"),
    ("DLBCL", "lymphoma"),
    ("MGUS", "myeloma"),
    ("GVHD", "transplant-cellular-therapy"),
    ("CAR-T", "transplant-cellular-therapy"),
    ("high PSA", "genitourinary"),
    ("BRCA", "cancer-genetics"),
]

SYMPTOMS_EN = [
    ("trouble swallowing", "head-neck"),
    ("trouble swallowing", "gastrointestinal"),
    ("coughing blood", "thoracic"),
    ("coughing up blood for a week", "thoracic"),
    ("lump in neck", "head-neck"),
    ("blood in urine", "genitourinary"),
    ("blood in my stool", "gastrointestinal"),
    ("hoarse voice for months", "head-neck"),
    ("night sweats and swollen glands", "lymphoma"),
    ("a mole that changed color", "melanoma-skin"),
    ("bad headaches and a seizure", "neuro-oncology"),
    ("bleeding after menopause", "gynecologic"),
    ("shortness of breath and cough", "thoracic"),
    ("yellow skin and eyes", "liver-pancreas-biliary"),
    ("bruising easily", "leukemia"),
    ("bone pain at night", "bone-sarcoma"),
    ("back pain with cancer", "bone-spine-metastasis"),
    ("blurry vision and a dark spot in my eye", "ocular"),
    ("nipple discharge", "breast"),
    ("sore in my mouth that won't heal", "head-neck"),
    ("lump on my testicle", "genitourinary"),
    ("swollen belly and bloating", "gynecologic"),
    ("numb feet after chemo", "rehabilitation"),
    ("cancer runs in my family", "cancer-genetics"),
]

TYPOS = [
    ("prostrate", "genitourinary"),
    ("prostate cancr", "genitourinary"),
    ("ovarain cancer", "gynecologic"),
    ("hodgkins", "lymphoma"),
    ("leukimia", "leukemia"),
    ("lymphona", "lymphoma"),
    ("melenoma", "melanoma-skin"),
    ("brest cancer", "breast"),
    ("pancreatic cancr", "liver-pancreas-biliary"),
    ("colon cancr", "gastrointestinal"),
    ("sarcomma", "bone-sarcoma"),
    ("glioblastma", "neuro-oncology"),
    ("thyriod", "endocrine"),
    ("esophagael cancer", "gastrointestinal"),
    ("cervicle cancer", "gynecologic"),
    ("kidny cancer", "genitourinary"),
    ("myloma", "myeloma"),
    ("mesothelioma lawyer", "thoracic"),
    ("osteosarcma", "bone-sarcoma"),
    ("lung cancr", "thoracic"),
]

SPANISH = [
    ("próstata", "genitourinary"),
    ("ovario", "gynecologic"),
    ("cáncer de ovario", "gynecologic"),
    ("dificultad para tragar", "gastrointestinal"),
    ("tos con sangre", "thoracic"),
    ("sangre en la orina", "genitourinary"),
    ("bulto en el cuello", "head-neck"),
    ("dolor", "supportive-palliative"),
    ("leucemia linfocitica cronica", "leukemia"),
    ("linfoma de hodgkin", "lymphoma"),
    ("lunar que cambia", "melanoma-skin"),
    ("dolor de cabeza fuerte", "neuro-oncology"),
    ("cancer de pulmon", "thoracic"),
    ("cancer de hueso", "bone-sarcoma"),
    ("tiroides", "endocrine"),
    ("sangrado despues de la menopausia", "gynecologic"),
    ("mi hijo tiene cancer", "pediatric"),
    ("higado", "liver-pancreas-biliary"),
]

PORTUGUESE = [
    ("próstata", "genitourinary"),
    ("ovário", "gynecologic"),
    ("câncer de pulmão", "thoracic"),
    ("dificuldade para engolir", "gastrointestinal"),
    ("tosse com sangue", "thoracic"),
    ("sangue na urina", "genitourinary"),
    ("caroço no pescoço", "head-neck"),
    ("dor", "supportive-palliative"),
    ("pinta que mudou", "melanoma-skin"),
    ("íngua no pescoço", "lymphoma"),
    ("leucemia", "leukemia"),
    ("câncer de mama", "breast"),
    ("câncer de próstata", "genitourinary"),
    ("nódulo na tireoide", "endocrine"),
    ("dor de cabeça", "neuro-oncology"),
    ("fígado", "liver-pancreas-biliary"),
]

CHINESE = [
    ("前列腺", "genitourinary"),
    ("卵巢癌", "gynecologic"),
    ("霍奇金", "lymphoma"),
    ("尤文肉瘤", "bone-sarcoma"),
    ("吞咽困难", "gastrointestinal"),
    ("咳血", "thoracic"),
    ("尿血", "genitourinary"),
    ("脖子上有肿块", "head-neck"),
    ("疼痛", "supportive-palliative"),
    ("白血病", "leukemia"),
    ("淋巴瘤", "lymphoma"),
    ("甲状腺结节", "endocrine"),
    ("黑痣", "melanoma-skin"),
    ("头痛", "neuro-oncology"),
    ("骨癌", "bone-sarcoma"),
    ("肺癌", "thoracic"),
    ("乳腺癌", "breast"),
]

ARABIC = [
    ("البروستاتا", "genitourinary"),
    ("سرطان المبيض", "gynecologic"),
    ("صعوبة في البلع", "gastrointestinal"),
    ("سعال دموي", "thoracic"),
    ("دم في البول", "genitourinary"),
    ("كتلة في الرقبة", "head-neck"),
    ("ألم", "supportive-palliative"),
    ("سرطان الدم", "leukemia"),
    ("ليمفوما", "lymphoma"),
    ("شامة تتغير", "melanoma-skin"),
    ("صداع شديد", "neuro-oncology"),
    ("الغدة الدرقية", "endocrine"),
    ("سرطان الثدي", "breast"),
    ("سرطان الرئة", "thoracic"),
    ("سرطان العظام", "bone-sarcoma"),
]

RUSSIAN = [
    ("простата", "genitourinary"),
    ("рак яичников", "gynecologic"),
    ("трудно глотать", "gastrointestinal"),
    ("кашель с кровью", "thoracic"),
    ("кровь в моче", "genitourinary"),
    ("шишка на шее", "head-neck"),
    ("боль", "supportive-palliative"),
    ("лейкоз", "leukemia"),
    ("лимфома ходжкина", "lymphoma"),
    ("родинка", "melanoma-skin"),
    ("головная боль", "neuro-oncology"),
    ("щитовидка", "endocrine"),
    ("миелома", "myeloma"),
    ("рак лёгких", "thoracic"),
    ("рак легкого", "thoracic"),
    ("саркома юинга", "bone-sarcoma"),
]

# Full phrases that worked before this table grew: they must keep working.
PHRASES = [
    ("bone cancer doctor", "bone-sarcoma"),
    ("lump on my shin bone", "bone-sarcoma"),
    ("ewing sarcoma", "bone-sarcoma"),
    ("chondrosarcoma", "bone-sarcoma"),
    ("chordoma", "bone-sarcoma"),
    ("soft tissue sarcoma", "bone-sarcoma"),
    ("breast cancer spread to bone", "bone-spine-metastasis"),
    ("lung cancer", "thoracic"),
    ("lump in my breast", "breast"),
    ("triple negative breast cancer", "breast"),
    ("esophageal cancer", "gastrointestinal"),
    ("pancreatic cancer", "liver-pancreas-biliary"),
    ("prostate cancer", "genitourinary"),
    ("throat cancer", "head-neck"),
    ("hodgkin lymphoma", "lymphoma"),
    ("multiple myeloma", "myeloma"),
    ("brca mutation", "cancer-genetics"),
    ("uveal melanoma", "ocular"),
    ("leukaemia", "leukemia"),
]

# Typed the way it sounds or half-remembered, in every language.
MISSPELLED_SYMPTOMS = [
    ("lumpp in neck", "head-neck"),
    ("blod in urine", "genitourinary"),
    ("couging blood", "thoracic"),
    ("trouble swalowing", "gastrointestinal"),
    ("nite sweats", "lymphoma"),
    ("hedache", "neuro-oncology"),
    ("bruizing", "leukemia"),
    ("lumfoma", "lymphoma"),
    ("sarkoma", "bone-sarcoma"),
    ("tos con sangr", "thoracic"),
    ("dificuldade pra engolir", "gastrointestinal"),
    ("кашель с кровю", "thoracic"),
    ("grandma cancer", "geriatric"),
    ("ganglios inflamados", "lymphoma"),
    ("manchas roxas", "leukemia"),
    ("盗汗", "lymphoma"),
    ("تعرق ليلي", "lymphoma"),
    ("ночная потливость", "lymphoma"),
]

PROGRAM_QUERIES = (
    MISSPELLED_SYMPTOMS
    + SINGLE_WORDS
    + ABBREVIATIONS
    + SYMPTOMS_EN
    + TYPOS
    + SPANISH
    + PORTUGUESE
    + CHINESE
    + ARABIC
    + RUSSIAN
    + PHRASES
)

CLINICIAN_QUERIES = [
    ("Ashgrove", "severin-ashgrove"),
    ("dr okafor", "imani-okafor-lund"),
    ("Sokolov", "pavel-sokolov-grant"),
    ("wei zhang holloway", "wei-zhang-holloway"),
    ("hadad perrin", "nadia-haddad-perrin"),
    ("lucia fernandez", "lucia-fernandez-oyelaran"),
    ("marchbanks spine", "gideon-marchbanks"),
    ("dr ashgrov", "severin-ashgrove"),
]

TREATING = {
    "medical-oncology",
    "surgical-oncology",
    "orthopaedic-oncology",
    "radiation-oncology",
    "pediatric-oncology",
    "hematology",
    "neurosurgery",
    "spine-surgery",
    "thoracic-surgery",
    "breast-surgery",
    "gynecologic-oncology",
    "urology",
    "head-neck-surgery",
    "dermatology",
    "endocrinology",
    "ophthalmology",
    "pathology",
}
SURGICAL = {
    "surgical-oncology",
    "orthopaedic-oncology",
    "neurosurgery",
    "spine-surgery",
    "thoracic-surgery",
    "breast-surgery",
    "gynecologic-oncology",
    "urology",
    "head-neck-surgery",
    "plastic-surgery",
}
RADIATION = {"radiation-oncology"}
DRUGS = {"medical-oncology", "hematology", "pediatric-oncology", "gynecologic-oncology"}

# (query, program the doctor must work in, specialties one of which the doctor must have)
SERVICE_QUERIES = [
    ("second opinion sarcoma", "bone-sarcoma", TREATING),
    ("sarcoma second opinion", "bone-sarcoma", TREATING),
    ("sarcoma surgeon", "bone-sarcoma", SURGICAL),
    ("surgery for lung cancer", "thoracic", SURGICAL),
    ("radiation for prostate cancer", "genitourinary", RADIATION),
    ("chemo for breast cancer", "breast", DRUGS),
    ("brain tumor surgeon", "neuro-oncology", SURGICAL),
    ("segunda opinión cáncer de mama", "breast", TREATING),
    ("cirugía de pulmón", "thoracic", SURGICAL),
    ("radioterapia cáncer de próstata", "genitourinary", RADIATION),
    ("segunda opinião sarcoma", "bone-sarcoma", TREATING),
    ("quimioterapia linfoma", "lymphoma", DRUGS),
    ("肺癌手术", "thoracic", SURGICAL),
    ("前列腺癌放疗", "genitourinary", RADIATION),
    ("رأي ثان ساركوما", "bone-sarcoma", TREATING),
    ("جراحة سرطان الثدي", "breast", SURGICAL),
    ("второе мнение саркома", "bone-sarcoma", TREATING),
    ("облучение рак простаты", "genitourinary", RADIATION),
    ("химиотерапия лимфома", "lymphoma", DRUGS),
    ("radiation oncologist lung", "thoracic", RADIATION),
    ("breast surgeon", "breast", SURGICAL),
    ("surgeon for kidney cancer", "genitourinary", SURGICAL),
    ("chemo for leukemia", "leukemia", DRUGS),
    ("second opinion on my brain tumor", "neuro-oncology", TREATING),
    ("2nd opinion lung cancer", "thoracic", TREATING),
    ("second opinon sarcoma", "bone-sarcoma", TREATING),
    ("cirujano de mama", "breast", SURGICAL),
    ("cirurgião de mama", "breast", SURGICAL),
    ("白血病化疗", "leukemia", DRUGS),
    ("العلاج الإشعاعي لسرطان البروستاتا", "genitourinary", RADIATION),
    ("хирург саркома", "bone-sarcoma", SURGICAL),
]


def test_the_table_is_as_large_as_promised():
    assert len(PROGRAM_QUERIES) + len(CLINICIAN_QUERIES) + len(SERVICE_QUERIES) >= 150


def test_the_relevance_table_puts_the_right_program_in_the_top_three(demo_directory):
    misses = []
    for query, program in PROGRAM_QUERIES:
        results = search_doctors(DoctorQuery(q=query))
        top = [p.slug for p in results.programs[:3]]
        if program not in top or results.total == 0:
            misses.append(f"{query!r}: wanted {program}, got {top} ({results.total} doctors)")
    assert misses == []


def test_the_relevance_table_puts_the_right_doctor_in_the_top_three(demo_directory):
    misses = []
    for query, slug in CLINICIAN_QUERIES:
        results = search_doctors(DoctorQuery(q=query))
        top = [hit.clinician.slug for hit in results.hits[:3]]
        if slug not in top:
            misses.append(f"{query!r}: wanted {slug}, got {top}")
    assert misses == []


def test_a_service_and_a_condition_rank_who_gives_that_service_for_it_first(demo_directory):
    misses = []
    for query, program, specialties in SERVICE_QUERIES:
        results = search_doctors(DoctorQuery(q=query))
        # The top 3, or fewer where the program has fewer clinicians who give the service.
        givers = Clinician.objects.filter(
            is_active=True, programs__slug=program, specialties__slug__in=specialties
        ).distinct()
        top = results.hits[: min(3, givers.count())]
        wrong = [
            f"{hit.clinician.slug} ({', '.join(hit.specialty_slugs)}; {', '.join(hit.programs)})"
            for hit in top
            if program not in hit.programs or not specialties & set(hit.specialty_slugs)
        ]
        if not top or wrong:
            misses.append(f"{query!r}: {wrong or 'no doctor'}")
    assert misses == []


def test_second_opinion_sarcoma_puts_sarcoma_surgeons_above_psycho_oncology(demo_directory):
    results = search_doctors(DoctorQuery(q="second opinion sarcoma"))
    ranked = [set(hit.specialty_slugs) for hit in results.hits]

    first_psych = next((i for i, s in enumerate(ranked) if "psychiatry" in s), len(ranked))
    orthopaedic = [i for i, s in enumerate(ranked) if "orthopaedic-oncology" in s]
    assert orthopaedic and max(orthopaedic) < first_psych


@pytest.mark.parametrize("query", ["bone cancer", "osteosarcma", "骨癌", "рак лёгких", "prostate"])
def test_the_first_doctors_treat_what_was_asked_for(demo_directory, query):
    results = search_doctors(DoctorQuery(q=query))

    for hit in results.hits[:10]:
        programs = set(hit.clinician.programs.all())
        conditions = set(hit.clinician.conditions.all())
        assert results.programs[0] in programs or conditions & set(results.conditions)
