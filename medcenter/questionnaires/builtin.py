# ruff: noqa: RUF001 - Chinese texts use full-width punctuation, as Chinese is written.
"""The project's own questionnaires, written for this project in plain words and translated
into the site's six languages: the weekly symptom check-in and the new-patient history.

They are FHIR R4 Questionnaire resources like any a center loads (`load_questionnaire`), so
one engine reads both. Validated instruments such as PRO-CTCAE or ESAS-r are not shipped:
their terms forbid redistribution and unapproved translation, so a center loads its licensed
copy itself.
"""

from typing import Any

from medcenter.questionnaires import engine

CHECKIN_URL = "https://medcenter.example/fhir/Questionnaire/weekly-symptom-check-in"
INTAKE_URL = "https://medcenter.example/fhir/Questionnaire/new-patient-history"
LANGS = ("es", "pt-BR", "zh-Hans", "ar", "ru")


def _t(en: str, es: str, pt: str, zh: str, ar: str, ru: str) -> dict[str, Any]:
    """`text` with its translations, as FHIR writes them (the translation extension)."""
    return {
        "text": en,
        "_text": {
            "extension": [
                {
                    "url": engine.TRANSLATION,
                    "extension": [
                        {"url": "lang", "valueCode": lang},
                        {"url": "content", "valueString": text},
                    ],
                }
                for lang, text in zip(LANGS, (es, pt, zh, ar, ru), strict=True)
            ]
        },
    }


def _named(key: str, texts: dict[str, Any]) -> dict[str, Any]:
    """The same translated text under another element name (title, description, display)."""
    return {key: texts["text"], f"_{key}": texts["_text"]}


SEVERITY = [
    ("0", _t("None", "Nada", "Nenhum", "没有", "لا يوجد", "Нет")),
    ("1", _t("Mild", "Leve", "Leve", "轻微", "خفيف", "Слабо")),
    ("2", _t("Moderate", "Moderado", "Moderado", "中等", "متوسط", "Умеренно")),
    ("3", _t("Severe", "Fuerte", "Forte", "严重", "شديد", "Сильно")),
    ("4", _t("Very severe", "Muy fuerte", "Muito forte", "非常严重", "شديد جدًا", "Очень сильно")),
]

SYMPTOMS = [
    ("nausea", _t(
        "Nausea (feeling sick to your stomach)", "Náuseas (ganas de vomitar)",
        "Náusea (enjoo)", "恶心（想吐的感觉）", "الغثيان (الشعور بالرغبة في التقيؤ)", "Тошнота",
    )),
    ("vomiting", _t("Vomiting (throwing up)", "Vómitos", "Vômito", "呕吐", "التقيؤ", "Рвота")),
    ("diarrhoea", _t(
        "Diarrhoea (loose or watery stools)", "Diarrea (heces sueltas o líquidas)",
        "Diarreia (fezes moles ou líquidas)", "腹泻（稀便或水样便）",
        "الإسهال (براز رخو أو مائي)", "Диарея (жидкий или водянистый стул)",
    )),
    ("constipation", _t(
        "Constipation (hard or infrequent stools)",
        "Estreñimiento (heces duras o poco frecuentes)",
        "Prisão de ventre (fezes duras ou raras)", "便秘（大便干硬或次数少）",
        "الإمساك (براز صلب أو قليل)", "Запор (твёрдый или редкий стул)",
    )),
    ("mouth_sores", _t(
        "Mouth or throat sores", "Llagas en la boca o la garganta",
        "Feridas na boca ou na garganta", "口腔或咽喉溃疡", "تقرحات في الفم أو الحلق",
        "Язвочки во рту или в горле",
    )),
    ("fatigue", _t(
        "Tiredness or lack of energy", "Cansancio o falta de energía",
        "Cansaço ou falta de energia", "疲倦或没有精力", "التعب أو نقص الطاقة",
        "Усталость или упадок сил",
    )),
    ("pain", _t(
        "Pain anywhere in your body", "Dolor en cualquier parte del cuerpo",
        "Dor em qualquer parte do corpo", "身体任何部位的疼痛", "ألم في أي مكان في جسمك",
        "Боль в любой части тела",
    )),
    ("breathless", _t(
        "Shortness of breath", "Falta de aire", "Falta de ar", "气短", "ضيق التنفس", "Одышка",
    )),
    ("numbness", _t(
        "Numbness or tingling in your hands or feet",
        "Adormecimiento u hormigueo en las manos o los pies",
        "Dormência ou formigamento nas mãos ou nos pés", "手脚麻木或刺痛",
        "خدر أو تنميل في اليدين أو القدمين", "Онемение или покалывание в руках или ногах",
    )),
    ("rash", _t(
        "Skin rash or itching", "Sarpullido o picazón en la piel",
        "Manchas ou coceira na pele", "皮疹或瘙痒", "طفح جلدي أو حكة", "Сыпь или зуд на коже",
    )),
    ("appetite", _t(
        "Poor appetite (not wanting to eat)", "Falta de apetito (no tener ganas de comer)",
        "Falta de apetite (não ter vontade de comer)", "食欲差（不想吃东西）",
        "ضعف الشهية (عدم الرغبة في الأكل)", "Плохой аппетит (нет желания есть)",
    )),
    ("sleep_mood", _t(
        "Trouble sleeping, or feeling low or worried",
        "Problemas para dormir, o sentirse decaído o preocupado",
        "Dificuldade para dormir, ou sentir-se para baixo ou preocupado",
        "睡眠不好，或情绪低落、担忧", "صعوبة في النوم، أو الشعور بالحزن أو القلق",
        "Проблемы со сном, подавленность или тревога",
    )),
]  # fmt: skip

EMERGENCIES = [
    ("fever", _t(
        "A fever of 38 °C (100.4 °F) or higher while on chemotherapy",
        "Fiebre de 38 °C (100,4 °F) o más mientras recibe quimioterapia",
        "Febre de 38 °C (100,4 °F) ou mais durante a quimioterapia",
        "在化疗期间发烧达到或超过38 °C（100.4 °F）",
        "حمى بدرجة 38 مئوية (100.4 فهرنهايت) أو أكثر أثناء العلاج الكيميائي",
        "Температура 38 °C (100,4 °F) или выше во время химиотерапии",
    )),
    ("chest_pain", _t(
        "Chest pain", "Dolor en el pecho", "Dor no peito", "胸痛", "ألم في الصدر", "Боль в груди",
    )),
    ("breathing", _t(
        "Trouble breathing that is new or getting worse",
        "Dificultad para respirar nueva o que empeora",
        "Dificuldade para respirar nova ou que está piorando", "新出现或正在加重的呼吸困难",
        "صعوبة في التنفس جديدة أو تزداد سوءًا",
        "Затруднённое дыхание, которое появилось недавно или усиливается",
    )),
    ("bleeding", _t(
        "Bleeding that will not stop", "Un sangrado que no se detiene", "Sangramento que não para",
        "无法止住的出血", "نزيف لا يتوقف", "Кровотечение, которое не останавливается",
    )),
]  # fmt: skip


def _coding(code: str, texts: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, **_named("display", texts)}


def _flag(url: str) -> list[dict[str, Any]]:
    return [{"url": url, "valueBoolean": True}]


def checkin() -> dict[str, Any]:
    """The weekly symptom check-in as a FHIR R4 Questionnaire."""
    options = [
        {
            "valueCoding": _coding(code, texts),
            "extension": [{"url": engine.ORDINAL, "valueDecimal": int(code)}],
        }
        for code, texts in SEVERITY
    ]
    return {
        "resourceType": "Questionnaire",
        "url": CHECKIN_URL,
        "version": "1",
        "name": "WeeklySymptomCheckIn",
        "status": "active",
        "language": "en",
        **_named("title", _t(
            "Weekly symptom check-in", "Control semanal de síntomas",
            "Registro semanal de sintomas", "每周症状自查", "المتابعة الأسبوعية للأعراض",
            "Еженедельный опрос о симптомах",
        )),
        **_named("description", _t(
            "Tell your care team how you have felt in the past 7 days. A nurse reads every "
            "report. This form is not for emergencies.",
            "Cuéntele a su equipo de atención cómo se ha sentido en los últimos 7 días. Una "
            "enfermera lee cada informe. Este formulario no es para emergencias.",
            "Conte à sua equipe de cuidados como você se sentiu nos últimos 7 dias. Uma "
            "enfermeira lê cada relato. Este formulário não é para emergências.",
            "请告诉您的医护团队您在过去7天的感受。每份报告都有护士阅读。此表格不用于紧急情况。",
            "أخبر فريق الرعاية كيف كان شعورك خلال الأيام السبعة الماضية. تقرأ ممرضة كل تقرير. "
            "هذا النموذج ليس لحالات الطوارئ.",
            "Расскажите своей медицинской команде, как вы себя чувствовали за последние 7 дней. "
            "Каждый отчёт читает медсестра. Эта форма не для экстренных случаев.",
        )),
        "item": [
            {
                "linkId": "emergency",
                "type": "group",
                **_t(
                    "Right now, do you have any of these?",
                    "¿Tiene ahora mismo alguno de estos problemas?",
                    "Neste momento, você tem algum destes problemas?",
                    "您现在是否有以下任何情况？", "هل لديك الآن أي مما يلي؟",
                    "Есть ли у вас сейчас что-либо из этого?",
                ),
                "item": [
                    {
                        "linkId": link_id,
                        "type": "boolean",
                        "required": True,
                        "extension": _flag(engine.EMERGENCY),
                        **texts,
                    }
                    for link_id, texts in EMERGENCIES
                ],
            },
            {
                "linkId": "symptoms",
                "type": "group",
                **_t(
                    "In the past 7 days, how bad was each of these at its worst?",
                    "En los últimos 7 días, ¿qué tan fuerte fue cada uno de estos en su peor "
                    "momento?",
                    "Nos últimos 7 dias, qual foi a intensidade de cada um destes no pior "
                    "momento?",
                    "在过去7天里，以下每种情况最严重时有多严重？",
                    "خلال الأيام السبعة الماضية، ما مدى شدة كل مما يلي في أسوأ حالاته؟",
                    "Насколько сильно за последние 7 дней проявлялось каждое из этого в самый "
                    "тяжёлый момент?",
                ),
                "item": [
                    {
                        "linkId": link_id,
                        "type": "choice",
                        "required": True,
                        "extension": _flag(engine.SYMPTOM),
                        "answerOption": options,
                        **texts,
                    }
                    for link_id, texts in SYMPTOMS
                ],
            },
            {
                "linkId": "other",
                "type": "text",
                "maxLength": 1000,
                **_t(
                    "Anything else you want your care team to know? (optional)",
                    "¿Hay algo más que quiera que sepa su equipo de atención? (opcional)",
                    "Há algo mais que você queira que sua equipe de cuidados saiba? (opcional)",
                    "还有什么想让您的医护团队知道的吗？（选填）",
                    "هل هناك أي شيء آخر تريد أن يعرفه فريق الرعاية؟ (اختياري)",
                    "Хотите ли вы сообщить своей команде что-то ещё? (необязательно)",
                ),
            },
        ],
    }  # fmt: skip


def _when(question: str, **answer: Any) -> list[dict[str, Any]]:
    return [{"question": question, "operator": "=", **answer}]


def intake() -> dict[str, Any]:
    """The new-patient health history as a FHIR R4 Questionnaire."""
    smoking_options = [
        ("never", _t("Never", "Nunca", "Nunca", "从不", "لم أدخن أبدًا", "Никогда не курил(а)")),
        ("former", _t(
            "I used to", "Antes sí, ya no", "Já fumei, não fumo mais", "以前吸，现在不吸",
            "كنت أدخن سابقًا", "Раньше курил(а)",
        )),
        ("current", _t(
            "Yes, now", "Sí, actualmente", "Sim, atualmente", "是，现在吸", "نعم، حاليًا",
            "Да, курю сейчас",
        )),
    ]  # fmt: skip
    return {
        "resourceType": "Questionnaire",
        "url": INTAKE_URL,
        "version": "1",
        "name": "NewPatientHistory",
        "status": "active",
        "language": "en",
        **_named("title", _t(
            "New-patient health history", "Historia clínica de paciente nuevo",
            "Histórico de saúde do novo paciente", "新患者健康史",
            "التاريخ الصحي للمريض الجديد", "Анкета здоровья нового пациента",
        )),
        "item": [
            {"linkId": "allergies", "type": "boolean", "required": True, **_t(
                "Do you have any allergies to medicines, foods or latex?",
                "¿Tiene alergia a algún medicamento, alimento o al látex?",
                "Você tem alergia a algum medicamento, alimento ou látex?",
                "您是否对药物、食物或乳胶过敏？",
                "هل لديك حساسية من أي أدوية أو أطعمة أو من اللاتكس؟",
                "Есть ли у вас аллергия на лекарства, продукты или латекс?",
            )},
            {"linkId": "allergies_detail", "type": "text", "required": True, "maxLength": 1000,
             "enableWhen": _when("allergies", answerBoolean=True), **_t(
                "What are you allergic to, and what happens?", "¿A qué es alérgico y qué le pasa?",
                "A que você é alérgico e o que acontece?", "您对什么过敏？会出现什么反应？",
                "ما الذي لديك حساسية منه، وماذا يحدث لك؟",
                "На что у вас аллергия и как она проявляется?",
            )},
            {"linkId": "medicines", "type": "text", "maxLength": 2000, **_t(
                "Which medicines, vitamins or supplements do you take?",
                "¿Qué medicamentos, vitaminas o suplementos toma?",
                "Quais medicamentos, vitaminas ou suplementos você toma?",
                "您正在服用哪些药物、维生素或保健品？",
                "ما الأدوية أو الفيتامينات أو المكملات التي تتناولها؟",
                "Какие лекарства, витамины или добавки вы принимаете?",
            )},
            {"linkId": "surgery", "type": "boolean", "required": True, **_t(
                "Have you had surgery before?", "¿Le han operado antes?",
                "Você já fez alguma cirurgia?", "您以前做过手术吗？",
                "هل أجريت عملية جراحية من قبل؟", "Были ли у вас раньше операции?",
            )},
            {"linkId": "surgery_detail", "type": "text", "required": True, "maxLength": 1000,
             "enableWhen": _when("surgery", answerBoolean=True), **_t(
                "Which operations, and when?", "¿Qué operaciones y cuándo?",
                "Quais cirurgias e quando?", "做过哪些手术？什么时候？", "ما العمليات، ومتى؟",
                "Какие операции и когда?",
            )},
            {"linkId": "smoking", "type": "choice", "required": True,
             "answerOption": [
                 {"valueCoding": _coding(code, texts)}
                 for code, texts in smoking_options
             ], **_t(
                "Do you smoke tobacco?", "¿Fuma tabaco?", "Você fuma tabaco?", "您吸烟吗？",
                "هل تدخن التبغ؟", "Вы курите табак?",
            )},
            {"linkId": "smoking_years", "type": "integer", "required": True,
             "extension": [
                 {"url": engine.MIN_VALUE, "valueInteger": 0},
                 {"url": engine.MAX_VALUE, "valueInteger": 90},
             ],
             "enableWhen": [
                 {"question": "smoking", "operator": "=", "answerCoding": {"code": "former"}},
                 {"question": "smoking", "operator": "=", "answerCoding": {"code": "current"}},
             ],
             "enableBehavior": "any", **_t(
                "For how many years have you smoked, in all?",
                "¿Cuántos años ha fumado en total?", "Por quantos anos você fumou, no total?",
                "您总共吸烟多少年？", "كم سنة دخنت في المجموع؟",
                "Сколько лет в общей сложности вы курили?",
            )},
            {"linkId": "height_cm", "type": "integer",
             "extension": [
                 {"url": engine.MIN_VALUE, "valueInteger": 50},
                 {"url": engine.MAX_VALUE, "valueInteger": 250},
             ], **_t(
                "Your height in centimetres", "Su estatura en centímetros",
                "Sua altura em centímetros", "您的身高（厘米）", "طولك بالسنتيمتر",
                "Ваш рост в сантиметрах",
            )},
            {"linkId": "weight_kg", "type": "decimal",
             "extension": [
                 {"url": engine.MIN_VALUE, "valueDecimal": 2},
                 {"url": engine.MAX_VALUE, "valueDecimal": 400},
             ], **_t(
                "Your weight in kilograms", "Su peso en kilogramos", "Seu peso em quilogramas",
                "您的体重（公斤）", "وزنك بالكيلوغرام", "Ваш вес в килограммах",
            )},
            {"linkId": "family_cancer", "type": "boolean", "required": True, **_t(
                "Has a parent, brother, sister or child had cancer?",
                "¿Alguno de sus padres, hermanos o hijos ha tenido cáncer?",
                "Algum dos seus pais, irmãos ou filhos já teve câncer?",
                "您的父母、兄弟姐妹或子女是否患过癌症？",
                "هل أصيب أحد والديك أو إخوتك أو أبنائك بالسرطان؟",
                "Был ли рак у ваших родителей, братьев, сестёр или детей?",
            )},
            {"linkId": "family_detail", "type": "text", "maxLength": 1000,
             "enableWhen": _when("family_cancer", answerBoolean=True), **_t(
                "Who, which cancer, and at what age?", "¿Quién, qué cáncer y a qué edad?",
                "Quem, qual câncer e com que idade?", "是谁？什么癌症？在多大年龄？",
                "من، وما نوع السرطان، وفي أي عمر؟", "Кто, какой вид рака и в каком возрасте?",
            )},
            {"linkId": "last_checkup", "type": "date", **_t(
                "Date of your last check-up with a family doctor, if you know it",
                "Fecha de su último control con un médico de familia, si la sabe",
                "Data da sua última consulta com um médico de família, se souber",
                "您最近一次看家庭医生的日期（如果知道）",
                "تاريخ آخر فحص لك عند طبيب الأسرة، إن كنت تعرفه",
                "Дата последнего осмотра у семейного врача, если помните",
            )},
        ],
    }  # fmt: skip
