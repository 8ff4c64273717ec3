"""The fictional center's directory: 24 programs, 10 locations, 320 clinicians.

Names are invented combinations; the specific clinicians below exist so the relevance tests
and the documentation can refer to them. Coordinates are ZIP-code centroids (zipcodes package).
"""

import random

from django.conf import settings
from django.utils.text import slugify

from medcenter.core.seeding import DemoLogin
from medcenter.directory import services
from medcenter.directory.models import (
    Clinician,
    Condition,
    Location,
    LocationKind,
    Program,
    ProgramTeamMember,
    Specialty,
)
from medcenter.directory.search import zip_point

SPECIALTIES = [
    (
        "medical-oncology",
        "Medical oncology",
        ["Oncología médica", "Oncologia clínica", "肿瘤内科", "علم الأورام الطبي", "Онкология"],
    ),
    (
        "surgical-oncology",
        "Surgical oncology",
        [
            "Oncología quirúrgica",
            "Oncologia cirúrgica",
            "肿瘤外科",
            "جراحة الأورام",
            "Онкохирургия",
        ],
    ),
    (
        "orthopaedic-oncology",
        "Orthopaedic oncology",
        [
            "Oncología ortopédica",
            "Oncologia ortopédica",
            "骨肿瘤外科",
            "جراحة أورام العظام",
            "Ортопедическая онкология",
        ],
    ),
    (
        "radiation-oncology",
        "Radiation oncology",
        [
            "Oncología radioterápica",
            "Radio-oncologia",
            "放射肿瘤科",
            "علاج الأورام بالإشعاع",
            "Радиационная онкология",
        ],
    ),
    (
        "pediatric-oncology",
        "Pediatric hematology and oncology",
        [
            "Oncología pediátrica",
            "Oncologia pediátrica",
            "儿童肿瘤科",
            "أورام الأطفال",
            "Детская онкология",
        ],
    ),
    (
        "hematology",
        "Hematology",
        ["Hematología", "Hematologia", "血液科", "أمراض الدم", "Гематология"],
    ),
    (
        "neurosurgery",
        "Neurosurgery",
        ["Neurocirugía", "Neurocirurgia", "神经外科", "جراحة الأعصاب", "Нейрохирургия"],
    ),
    (
        "spine-surgery",
        "Spine surgery",
        [
            "Cirugía de columna",
            "Cirurgia da coluna",
            "脊柱外科",
            "جراحة العمود الفقري",
            "Хирургия позвоночника",
        ],
    ),
    (
        "thoracic-surgery",
        "Thoracic surgery",
        ["Cirugía torácica", "Cirurgia torácica", "胸外科", "جراحة الصدر", "Торакальная хирургия"],
    ),
    (
        "breast-surgery",
        "Breast surgery",
        ["Cirugía de mama", "Cirurgia da mama", "乳腺外科", "جراحة الثدي", "Маммология"],
    ),
    (
        "gynecologic-oncology",
        "Gynecologic oncology",
        [
            "Oncología ginecológica",
            "Ginecologia oncológica",
            "妇科肿瘤",
            "أورام النساء",
            "Онкогинекология",
        ],
    ),
    (
        "urology",
        "Urologic oncology",
        [
            "Urología oncológica",
            "Uro-oncologia",
            "泌尿肿瘤科",
            "أورام المسالك البولية",
            "Онкоурология",
        ],
    ),
    (
        "head-neck-surgery",
        "Head and neck surgery",
        [
            "Cirugía de cabeza y cuello",
            "Cirurgia de cabeça e pescoço",
            "头颈外科",
            "جراحة الرأس والعنق",
            "Хирургия головы и шеи",
        ],
    ),
    (
        "dermatology",
        "Dermatologic oncology",
        [
            "Dermatología oncológica",
            "Dermatologia oncológica",
            "皮肤肿瘤科",
            "أورام الجلد",
            "Онкодерматология",
        ],
    ),
    ("pathology", "Pathology", ["Patología", "Patologia", "病理科", "علم الأمراض", "Патология"]),
    (
        "radiology",
        "Diagnostic radiology",
        ["Radiología", "Radiologia", "放射诊断科", "الأشعة التشخيصية", "Лучевая диагностика"],
    ),
    (
        "plastic-surgery",
        "Plastic and microvascular surgery",
        [
            "Cirugía plástica y microvascular",
            "Cirurgia plástica e microvascular",
            "整形与显微外科",
            "الجراحة التجميلية والدقيقة",
            "Пластическая и микрососудистая хирургия",
        ],
    ),
    (
        "palliative-care",
        "Palliative medicine",
        [
            "Medicina paliativa",
            "Medicina paliativa",
            "姑息医学",
            "الطب التلطيفي",
            "Паллиативная медицина",
        ],
    ),
    (
        "psychiatry",
        "Psycho-oncology",
        [
            "Psicooncología",
            "Psico-oncologia",
            "心理肿瘤科",
            "الطب النفسي للأورام",
            "Психоонкология",
        ],
    ),
    (
        "rehabilitation-medicine",
        "Physical medicine and rehabilitation",
        [
            "Medicina física y rehabilitación",
            "Medicina física e reabilitação",
            "康复医学",
            "الطب الطبيعي والتأهيل",
            "Реабилитация",
        ],
    ),
    (
        "genetics",
        "Cancer genetics",
        [
            "Genética del cáncer",
            "Genética do câncer",
            "肿瘤遗传学",
            "علم الوراثة السرطانية",
            "Онкогенетика",
        ],
    ),
    (
        "gastroenterology",
        "Gastroenterology",
        [
            "Gastroenterología",
            "Gastroenterologia",
            "消化内科",
            "أمراض الجهاز الهضمي",
            "Гастроэнтерология",
        ],
    ),
    (
        "endocrinology",
        "Endocrinology",
        ["Endocrinología", "Endocrinologia", "内分泌科", "الغدد الصماء", "Эндокринология"],
    ),
    (
        "ophthalmology",
        "Ocular oncology",
        ["Oncología ocular", "Oncologia ocular", "眼肿瘤科", "أورام العين", "Офтальмоонкология"],
    ),
    (
        "geriatrics",
        "Geriatric oncology",
        [
            "Oncología geriátrica",
            "Oncologia geriátrica",
            "老年肿瘤科",
            "أورام كبار السن",
            "Гериатрическая онкология",
        ],
    ),
    (
        "nutrition",
        "Oncology nutrition",
        [
            "Nutrición oncológica",
            "Nutrição oncológica",
            "肿瘤营养",
            "التغذية العلاجية للأورام",
            "Онкологическая диетология",
        ],
    ),
]
LANGS = ("es", "pt-br", "zh-hans", "ar", "ru")

# Program -> specialties its clinicians usually have.
PROGRAM_SPECIALTIES = {
    "bone-sarcoma": [
        "orthopaedic-oncology",
        "medical-oncology",
        "radiation-oncology",
        "pathology",
        "radiology",
        "plastic-surgery",
    ],
    "thoracic": ["medical-oncology", "thoracic-surgery", "radiation-oncology"],
    "breast": ["medical-oncology", "breast-surgery", "radiation-oncology", "plastic-surgery"],
    "gastrointestinal": ["medical-oncology", "surgical-oncology", "gastroenterology"],
    "liver-pancreas-biliary": ["medical-oncology", "surgical-oncology", "gastroenterology"],
    "genitourinary": ["urology", "medical-oncology", "radiation-oncology"],
    "gynecologic": ["gynecologic-oncology", "medical-oncology", "radiation-oncology"],
    "head-neck": ["head-neck-surgery", "radiation-oncology", "medical-oncology"],
    "endocrine": ["endocrinology", "surgical-oncology", "medical-oncology"],
    "melanoma-skin": ["dermatology", "surgical-oncology", "medical-oncology"],
    "neuro-oncology": ["neurosurgery", "medical-oncology", "radiation-oncology"],
    "leukemia": ["hematology", "medical-oncology"],
    "lymphoma": ["hematology", "medical-oncology"],
    "myeloma": ["hematology", "medical-oncology"],
    "transplant-cellular-therapy": ["hematology", "medical-oncology"],
    "pediatric": ["pediatric-oncology", "radiation-oncology", "orthopaedic-oncology"],
    "adolescent-young-adult": ["medical-oncology", "pediatric-oncology", "psychiatry"],
    "cancer-genetics": ["genetics", "medical-oncology"],
    "supportive-palliative": ["palliative-care", "psychiatry", "nutrition"],
    "survivorship": ["medical-oncology", "psychiatry", "rehabilitation-medicine"],
    "rehabilitation": ["rehabilitation-medicine"],
    "bone-spine-metastasis": ["spine-surgery", "radiation-oncology", "orthopaedic-oncology"],
    "ocular": ["ophthalmology", "radiation-oncology"],
    "geriatric": ["geriatrics", "medical-oncology"],
}

LOCATIONS = [
    (
        "main-campus",
        "Aster Valley Cancer Center, Main Campus",
        LocationKind.MAIN_CAMPUS,
        "1200 Example Parkway",
        "Boston",
        "MA",
        "02115",
    ),
    (
        "proton-center",
        "Aster Valley Proton Therapy Center",
        LocationKind.CLINIC,
        "40 Example Lane",
        "Boston",
        "MA",
        "02114",
    ),
    (
        "north-shore",
        "Aster Valley Cancer Care, North Shore",
        LocationKind.CLINIC,
        "85 Harbor Example Road",
        "Danvers",
        "MA",
        "01923",
    ),
    (
        "south-county",
        "Aster Valley Cancer Care, South County",
        LocationKind.CLINIC,
        "300 Example Drive",
        "Brockton",
        "MA",
        "02301",
    ),
    (
        "metrowest",
        "Aster Valley Infusion Center, MetroWest",
        LocationKind.CLINIC,
        "12 Example Way",
        "Framingham",
        "MA",
        "01701",
    ),
    (
        "childrens",
        "Aster Valley Children's Cancer Clinic",
        LocationKind.CLINIC,
        "1250 Example Parkway",
        "Boston",
        "MA",
        "02115",
    ),
    (
        "cape-coast",
        "Cape Coast Cancer Center (affiliate)",
        LocationKind.NETWORK,
        "7 Dune Example Street",
        "Hyannis",
        "MA",
        "02601",
    ),
    (
        "granite-state",
        "Granite State Oncology (affiliate)",
        LocationKind.NETWORK,
        "220 Example Avenue",
        "Manchester",
        "NH",
        "03101",
    ),
    (
        "ocean-state",
        "Ocean State Cancer Institute (affiliate)",
        LocationKind.NETWORK,
        "55 Example Boulevard",
        "Providence",
        "RI",
        "02903",
    ),
    (
        "green-mountain",
        "Green Mountain Cancer Partners (affiliate)",
        LocationKind.NETWORK,
        "18 Example Hill Road",
        "Burlington",
        "VT",
        "05401",
    ),
]

GIVEN_F = [
    "Adaeze",
    "Brisa",
    "Calla",
    "Delphine",
    "Esme",
    "Farida",
    "Greta",
    "Hana",
    "Ilse",
    "Jovana",
    "Keiko",
    "Leontyne",
    "Marisol",
    "Noor",
    "Odalys",
    "Paloma",
    "Quilla",
    "Rosalind",
    "Saoirse",
    "Tamsin",
    "Ulla",
    "Vesna",
    "Wren",
    "Ximena",
    "Yara",
    "Zinnia",
    "Mei",
    "Ludmila",
    "Amara",
    "Ines",
]
GIVEN_M = [
    "Anselm",
    "Bastian",
    "Cosimo",
    "Dario",
    "Emrys",
    "Florian",
    "Gideon",
    "Hamid",
    "Ivo",
    "Joaquin",
    "Kenji",
    "Lorcan",
    "Matthias",
    "Nikolai",
    "Osric",
    "Pavel",
    "Quentin",
    "Rafferty",
    "Soren",
    "Tobias",
    "Umberto",
    "Viggo",
    "Wendell",
    "Xavi",
    "Yusuf",
    "Zoltan",
    "Wei",
    "Dmitri",
    "Kwame",
    "Tariq",
]
FAMILY = [
    "Blackwood-Nair",
    "Calloway",
    "Dunmore",
    "Everhart",
    "Fairweather",
    "Galloway-Sun",
    "Hollander",
    "Ibarra-Vance",
    "Jessup",
    "Kowalczyk",
    "Lindqvist",
    "Marchetti",
    "Nakashima-Reid",
    "Okonkwo",
    "Pemberton",
    "Quintero",
    "Rasmussen",
    "Santangelo",
    "Thistlewood",
    "Underhill",
    "Valderrama",
    "Whitcombe",
    "Xiao-Marsh",
    "Yablonsky",
    "Zeller",
    "Abernathy",
    "Brightwell",
    "Castellanos",
    "Delacroix-Obi",
    "Eastwood",
    "Fenwright",
    "Goldfarb",
    "Haverford",
    "Ishikawa",
    "Jorgensen",
    "Kettleby",
    "Larkspur",
    "Montgomery-Ade",
    "Northcott",
    "Oyelaran",
    "Penhallow",
    "Quarry",
    "Rothwell",
    "Stravinsky-Ode",
    "Trevelyan",
    "Umarov",
    "Vantongeren",
    "Wexford",
    "Yilmaz-Hart",
]
LANGUAGE_POOL = [
    "es",
    "pt",
    "zh",
    "ar",
    "ru",
    "fr",
    "vi",
    "ko",
    "ht",
    "hi",
    "it",
    "de",
    "pl",
    "ja",
    "fa",
]

# Fixed clinicians the relevance tests rely on; their family names are not in FAMILY, so a
# search by name finds exactly them: (given, family, gender, program, specialty, languages)
FIXED = [
    ("Severin", "Ashgrove", "male", "bone-sarcoma", "orthopaedic-oncology", ["en", "de"]),
    ("Imani", "Okafor-Lund", "female", "bone-sarcoma", "medical-oncology", ["en", "fr"]),
    ("Lucia", "Fernández-Oyelaran", "female", "bone-sarcoma", "pediatric-oncology", ["en", "es"]),
    ("Wei", "Zhang-Holloway", "male", "thoracic", "medical-oncology", ["en", "zh"]),
    ("Nadia", "Haddad-Perrin", "female", "breast", "breast-surgery", ["en", "ar", "fr"]),
    ("Pavel", "Sokolov-Grant", "male", "leukemia", "hematology", ["en", "ru"]),
    (
        "Beatriz",
        "Moreira-Lane",
        "female",
        "gynecologic",
        "gynecologic-oncology",
        ["en", "pt", "es"],
    ),
    ("Tobias", "Wrenfield", "male", "neuro-oncology", "neurosurgery", ["en"]),
    ("Keiko", "Thornbury", "female", "melanoma-skin", "dermatology", ["en", "ja"]),
    ("Gideon", "Marchbanks", "male", "bone-spine-metastasis", "spine-surgery", ["en"]),
]


def seed(*, rng: random.Random) -> list[DemoLogin]:
    programs = _programs()
    specialties = _specialties()
    locations = _locations()
    services.load_vocabulary()
    conditions_by_program: dict[str, list[Condition]] = {}
    for condition in Condition.objects.prefetch_related("programs"):
        for program in condition.programs.all():
            conditions_by_program.setdefault(program.slug, []).append(condition)
    people = [(*fixed, True) for fixed in FIXED]
    for _ in range(310):
        female = rng.random() < 0.52
        given = rng.choice(GIVEN_F if female else GIVEN_M)
        family = rng.choice(FAMILY)
        program_slug = rng.choice(list(PROGRAM_SPECIALTIES))
        specialty = rng.choice(PROGRAM_SPECIALTIES[program_slug])
        langs = ["en", *rng.sample(LANGUAGE_POOL, rng.choice([0, 0, 1, 1, 2]))]
        people.append(
            (given, family, "female" if female else "male", program_slug, specialty, langs, False)
        )
    seen: set[str] = set()
    for given, family, gender, program_slug, specialty_slug, langs, fixed in people:
        slug = slugify(f"{given} {family}")
        n = 2
        while slug in seen:
            slug, n = slugify(f"{given} {family} {n}"), n + 1
        seen.add(slug)
        # every draw happens whether or not the clinician exists, so reruns stay identical
        credentials = rng.choice(["MD", "MD", "MD, PhD", "MD, MPH", "DO", "MD, MS"])
        accepting, telehealth = rng.random() < 0.8, rng.random() < 0.5
        where = [
            "main-campus",
            *rng.sample(
                [loc for loc in locations if loc != "main-campus"], rng.choice([0, 1, 1, 2])
            ),
        ]
        if program_slug == "pediatric":
            where = ["childrens", *where[1:]]
        extra_program = rng.choice(list(PROGRAM_SPECIALTIES)) if rng.random() < 0.25 else None
        clinician, created = Clinician.objects.get_or_create(
            slug=slug,
            defaults={
                "given_name": given,
                "family_name": family,
                "credentials": credentials,
                "gender": gender,
                "languages": sorted(set(langs)),
                "title": f"{specialties[specialty_slug].name}, {programs[program_slug].name}",
                "accepting_new_patients": accepting or fixed,
                "telehealth": telehealth,
                "clinical_interests": _interests(program_slug),
                "research_interests": _research(program_slug),
                "bio_teaser": f"{given} {family} cares for patients in the {programs[program_slug].name}.",
                "bio": services.sanitize(
                    f"<p>{given} {family} is a fictional {specialties[specialty_slug].name.lower()} "
                    f"specialist in the demo {programs[program_slug].name}. This biography is "
                    "demonstration text.</p>"
                ),
            },
        )
        if created:
            clinician.specialties.set([specialties[specialty_slug]])
            clinician.programs.set([programs[s] for s in {program_slug, extra_program} if s])
            clinician.conditions.set(conditions_by_program.get(program_slug, [])[:12])
            clinician.locations.set([locations[s] for s in where])
    _teams(programs)
    services.reindex_all()
    return []


def _programs() -> dict[str, Program]:
    bone = services.load_json("program_bone_sarcoma.json")
    translations = services.load_json("program_translations.json")
    programs = {}
    for order, row in enumerate(services.load_json("programs.json")):
        detail = bone if row["slug"] == bone["slug"] else {}
        program, _ = Program.objects.get_or_create(slug=row["slug"], defaults={"name": row["name"]})
        program.name, program.order = row["name"], order
        texts = translations.get(row["slug"], {})
        program.translations = {lang: fields for lang, fields in texts.items() if lang != "en"}
        program.teaser = (
            detail.get("teaser")
            or texts.get("en", {}).get("teaser")
            or f"Care from a multidisciplinary team in the {row['name']}."
        )
        program.overview = detail.get(
            "overview", f"<p>The {row['name']} brings specialists together around each patient.</p>"
        )
        program.content = {
            k: v for k, v in detail.items() if k not in ("slug", "teaser", "overview")
        }
        programs[row["slug"]] = services.save_program(program=program)
    return programs


def _specialties() -> dict[str, Specialty]:
    result = {}
    for slug, name, names in SPECIALTIES:
        specialty, _ = Specialty.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "translations": {lang: {"name": n} for lang, n in zip(LANGS, names, strict=True)},
            },
        )
        result[slug] = specialty
    return result


def _locations() -> dict[str, Location]:
    result = {}
    for slug, name, kind, street, city, region, postal in LOCATIONS:
        phone = "+1 555 010 0100"
        if kind == LocationKind.MAIN_CAMPUS:
            # The main campus is the center's own address: one source, the settings, so the
            # location page and the site's footer and contact page never disagree.
            center = settings.CENTER
            street, city, region = center["street"], center["city"], center["region"]
            postal, phone = center["postal_code"], center["phone"]
        lat, lng = zip_point(postal) or (42.34, -71.1)
        location, _ = Location.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "street": street,
                "city": city,
                "region": region,
                "postal_code": postal,
                "latitude": lat,
                "longitude": lng,
                "phone": phone,
                "hours": [["Monday–Friday", "7:30–18:00"], ["Saturday", "8:00–12:00"]]
                if kind != LocationKind.NETWORK
                else [["Monday–Friday", "8:00–17:00"]],
                "services": _services(kind, slug),
                "parking": "Free parking for patients in the garage next to the entrance; valet at the main door.",
                "transport": "Bus stop in front of the building; a free shuttle runs from the nearest train station every 20 minutes.",
                "accessibility": "Step-free entrances, accessible restrooms on every floor, wheelchairs at the door, hearing loops at reception.",
            },
        )
        result[slug] = location
    return result


def _services(kind: str, slug: str) -> list[str]:
    if slug == "proton-center":
        return ["Proton therapy", "Radiation oncology consultations"]
    if kind == LocationKind.MAIN_CAMPUS:
        return [
            "All 24 programs",
            "Surgery",
            "Infusion",
            "Radiation oncology",
            "Imaging (CT, MRI, PET/CT)",
            "Tumor boards",
            "Clinical trials",
            "International patient office",
        ]
    if kind == LocationKind.NETWORK:
        return [
            "Medical oncology",
            "Infusion",
            "Radiation oncology",
            "Second opinions with the main campus",
        ]
    return ["Medical oncology", "Infusion", "Laboratory", "Imaging"]


def _interests(program: str) -> str:
    return {
        "bone-sarcoma": "Limb-sparing surgery, limb salvage and reconstruction, osteosarcoma in teenagers, chondrosarcoma of the pelvis",
        "bone-spine-metastasis": "Spinal cord compression, vertebral augmentation, stereotactic radiosurgery of the spine",
        "thoracic": "Lung nodules, EGFR-mutant lung cancer, minimally invasive lobectomy",
        "breast": "Breast-conserving surgery, hereditary breast cancer, triple-negative breast cancer",
        "neuro-oncology": "Awake craniotomy, glioma, brain metastases",
        "leukemia": "Acute myeloid leukemia, minimal residual disease, targeted therapy",
    }.get(program, "Multidisciplinary cancer care and clinical trials")


def _research(program: str) -> str:
    return {
        "bone-sarcoma": "Tumor genomics of sarcoma, intraoperative radiation therapy, proton therapy outcomes",
        "thoracic": "Tyrosine kinase inhibitors, liquid biopsy",
        "breast": "Immunotherapy, de-escalation of radiation",
    }.get(program, "Quality of life and survivorship research")


def _teams(programs: dict[str, Program]) -> None:
    bone = programs["bone-sarcoma"]
    roles = [r["role"] for r in bone.content.get("team_roles", [])]
    members = list(
        Clinician.objects.filter(programs=bone).order_by("family_name")[: max(len(roles), 1) * 2]
    )
    for i, clinician in enumerate(members):
        if roles:
            ProgramTeamMember.objects.get_or_create(
                program=bone,
                clinician=clinician,
                role=roles[i % len(roles)],
                defaults={"order": i % len(roles)},
            )
