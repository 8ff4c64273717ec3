# ruff: noqa: RUF001 - the translations are written in their own scripts
"""The demo's patient resources and checklist: English sources and their translations.

Written for the fictional center; translations are keyed by the English text, as a translator's
PO file is (demo.py exports each page's PO file, fills it from here and imports it back).
"""

# slug: (program slug or "", title, summary, [paragraphs])
RESOURCES = [
    (
        "adolescent-young-adult",
        "adolescent-young-adult",
        "Adolescent and young adult program",
        "Care for people aged 15 to 39, planned around school, work and family.",
        [
            "Our adolescent and young adult program cares for people aged 15 to 39.",
            "A coordinator helps with fertility preservation, school or work, and meeting "
            "others your age.",
        ],
    ),
    (
        "rehabilitation",
        "rehabilitation",
        "Rehabilitation",
        "Physical and occupational therapy to keep you moving during and after treatment.",
        [
            "Therapists help you regain strength, balance and independence.",
            "Ask your care team for a referral at any point in your treatment.",
        ],
    ),
    (
        "supportive-care",
        "supportive-palliative",
        "Supportive care",
        "Relief from pain, fatigue and other symptoms, at any stage of illness.",
        [
            "Supportive care treats symptoms and stress alongside your cancer treatment.",
            "Nutrition, counseling and spiritual care are part of the team.",
        ],
    ),
    (
        "bone-and-spine-metastasis",
        "bone-spine-metastasis",
        "Bone and spine metastasis program",
        "One team for cancer that has spread to the bones or spine.",
        [
            "Surgeons, radiation oncologists and pain specialists plan your care together.",
            "Call us the same day if you have new back pain or weakness in your legs.",
        ],
    ),
    (
        "preparing-for-a-visit",
        "",
        "Preparing for a visit",
        "What to bring and what to expect at your first appointment.",
        [
            "Arrive 20 minutes early to complete registration.",
            "Bring a friend or family member if you would like support.",
        ],
    ),
]

CHECKLIST = (
    "visit-checklist",
    "Checklist: bring to your visit",
    "Print this list and check each item before you leave home.",
    [
        ("heading", "Documents"),
        ("item", "Photo ID and insurance card"),
        ("item", "Referral letter and recent test results"),
        ("heading", "Health information"),
        ("item", "A list of your medicines and doses"),
        ("item", "Your questions for the care team"),
    ],
)

SECTION_TITLE = "Patient Resources"

LANGUAGES = ("es", "pt-br", "zh-hans", "ar", "ru")

# English text -> (es, pt-br, zh-hans, ar, ru)
TRANSLATIONS: dict[str, tuple[str, str, str, str, str]] = {
    "Patient Resources": (
        "Recursos para pacientes",
        "Recursos para pacientes",
        "患者资源",
        "موارد المرضى",
        "Ресурсы для пациентов",
    ),
    "Adolescent and young adult program": (
        "Programa para adolescentes y adultos jóvenes",
        "Programa para adolescentes e jovens adultos",
        "青少年及青年成人项目",
        "برنامج المراهقين والشباب",
        "Программа для подростков и молодых взрослых",
    ),
    "Care for people aged 15 to 39, planned around school, work and family.": (
        "Atención para personas de 15 a 39 años, organizada según los estudios, el trabajo y "
        "la familia.",
        "Cuidado para pessoas de 15 a 39 anos, planejado em torno dos estudos, do trabalho e "
        "da família.",
        "为15至39岁人群提供的诊疗，围绕学业、工作和家庭安排。",
        "رعاية للأشخاص من سن 15 إلى 39 عامًا، مخططة بما يناسب الدراسة والعمل والأسرة.",
        "Помощь людям от 15 до 39 лет с учётом учёбы, работы и семьи.",
    ),
    "Our adolescent and young adult program cares for people aged 15 to 39.": (
        "Nuestro programa para adolescentes y adultos jóvenes atiende a personas de 15 a 39 años.",
        "Nosso programa para adolescentes e jovens adultos atende pessoas de 15 a 39 anos.",
        "我们的青少年及青年成人项目为15至39岁的人群提供诊疗。",
        "يقدم برنامجنا للمراهقين والشباب الرعاية للأشخاص من سن 15 إلى 39 عامًا.",
        "Наша программа для подростков и молодых взрослых помогает людям от 15 до 39 лет.",
    ),
    "A coordinator helps with fertility preservation, school or work, and meeting others "
    "your age.": (
        "Una coordinadora le ayuda con la preservación de la fertilidad, los estudios o el "
        "trabajo, y a conocer a otras personas de su edad.",
        "Uma coordenadora ajuda com a preservação da fertilidade, os estudos ou o trabalho e "
        "a conhecer outras pessoas da sua idade.",
        "协调员可协助您保存生育力、安排学业或工作，并结识同龄人。",
        "يساعدك منسق في الحفاظ على الخصوبة والدراسة أو العمل والتعرف على أشخاص في مثل عمرك.",
        "Координатор поможет с сохранением фертильности, учёбой или работой и знакомством "
        "со сверстниками.",
    ),
    "Rehabilitation": ("Rehabilitación", "Reabilitação", "康复", "إعادة التأهيل", "Реабилитация"),
    "Physical and occupational therapy to keep you moving during and after treatment.": (
        "Fisioterapia y terapia ocupacional para mantenerle activo durante y después del "
        "tratamiento.",
        "Fisioterapia e terapia ocupacional para manter você em movimento durante e após o "
        "tratamento.",
        "物理治疗和作业治疗，帮助您在治疗期间及治疗后保持活动能力。",
        "علاج طبيعي ووظيفي ليبقيك نشيطًا أثناء العلاج وبعده.",
        "Физическая и трудовая терапия, чтобы вы оставались подвижными во время и после лечения.",
    ),
    "Therapists help you regain strength, balance and independence.": (
        "Los terapeutas le ayudan a recuperar fuerza, equilibrio e independencia.",
        "Os terapeutas ajudam você a recuperar força, equilíbrio e independência.",
        "治疗师帮助您恢复体力、平衡和自理能力。",
        "يساعدك المعالجون على استعادة القوة والتوازن والاستقلالية.",
        "Терапевты помогают восстановить силу, равновесие и самостоятельность.",
    ),
    "Ask your care team for a referral at any point in your treatment.": (
        "Pida una derivación a su equipo de atención en cualquier momento del tratamiento.",
        "Peça um encaminhamento à sua equipe de cuidados em qualquer momento do tratamento.",
        "在治疗的任何阶段，您都可以请医疗团队为您转诊。",
        "اطلب الإحالة من فريق رعايتك في أي مرحلة من مراحل علاجك.",
        "Попросите направление у вашей команды на любом этапе лечения.",
    ),
    "Supportive care": (
        "Cuidados de apoyo",
        "Cuidados de suporte",
        "支持性照护",
        "الرعاية الداعمة",
        "Поддерживающая помощь",
    ),
    "Relief from pain, fatigue and other symptoms, at any stage of illness.": (
        "Alivio del dolor, el cansancio y otros síntomas, en cualquier etapa de la enfermedad.",
        "Alívio da dor, do cansaço e de outros sintomas, em qualquer fase da doença.",
        "在疾病的任何阶段缓解疼痛、疲劳和其他症状。",
        "تخفيف الألم والتعب والأعراض الأخرى في أي مرحلة من مراحل المرض.",
        "Облегчение боли, усталости и других симптомов на любой стадии болезни.",
    ),
    "Supportive care treats symptoms and stress alongside your cancer treatment.": (
        "Los cuidados de apoyo tratan los síntomas y el estrés junto con su tratamiento.",
        "Os cuidados de suporte tratam sintomas e estresse junto com o seu tratamento.",
        "支持性照护在抗癌治疗的同时处理症状和压力。",
        "تعالج الرعاية الداعمة الأعراض والضغط النفسي إلى جانب علاج السرطان.",
        "Поддерживающая помощь лечит симптомы и стресс вместе с лечением рака.",
    ),
    "Nutrition, counseling and spiritual care are part of the team.": (
        "La nutrición, la orientación psicológica y la atención espiritual forman parte del "
        "equipo.",
        "Nutrição, aconselhamento e cuidado espiritual fazem parte da equipe.",
        "营养、心理咨询和心灵关怀都是团队的一部分。",
        "التغذية والإرشاد النفسي والرعاية الروحية جزء من الفريق.",
        "Питание, консультирование и духовная поддержка — часть работы команды.",
    ),
    "Bone and spine metastasis program": (
        "Programa de metástasis óseas y de columna",
        "Programa de metástases ósseas e da coluna",
        "骨与脊柱转移项目",
        "برنامج النقائل العظمية والفقرية",
        "Программа лечения метастазов в кости и позвоночник",
    ),
    "One team for cancer that has spread to the bones or spine.": (
        "Un solo equipo para el cáncer que se ha extendido a los huesos o la columna.",
        "Uma única equipe para o câncer que se espalhou para os ossos ou a coluna.",
        "为已扩散至骨骼或脊柱的癌症提供一支团队的诊疗。",
        "فريق واحد للسرطان الذي انتشر إلى العظام أو العمود الفقري.",
        "Одна команда для рака, распространившегося на кости или позвоночник.",
    ),
    "Surgeons, radiation oncologists and pain specialists plan your care together.": (
        "Cirujanos, oncólogos radioterapeutas y especialistas en dolor planifican juntos su "
        "atención.",
        "Cirurgiões, radio-oncologistas e especialistas em dor planejam juntos o seu cuidado.",
        "外科医生、放射肿瘤科医生和疼痛专科医生共同制定您的诊疗计划。",
        "يخطط الجراحون وأطباء الأورام الإشعاعية وأخصائيو الألم لرعايتك معًا.",
        "Хирурги, радиотерапевты и специалисты по боли вместе планируют ваше лечение.",
    ),
    "Call us the same day if you have new back pain or weakness in your legs.": (
        "Llámenos el mismo día si tiene dolor de espalda nuevo o debilidad en las piernas.",
        "Ligue para nós no mesmo dia se tiver dor nas costas nova ou fraqueza nas pernas.",
        "如出现新的背痛或腿部无力，请当天致电我们。",
        "اتصل بنا في اليوم نفسه إذا شعرت بألم جديد في الظهر أو ضعف في ساقيك.",
        "Позвоните нам в тот же день, если появилась новая боль в спине или слабость в ногах.",
    ),
    "Preparing for a visit": (
        "Cómo prepararse para una consulta",
        "Como se preparar para uma consulta",
        "就诊准备",
        "الاستعداد للزيارة",
        "Подготовка к визиту",
    ),
    "What to bring and what to expect at your first appointment.": (
        "Qué traer y qué esperar en su primera cita.",
        "O que trazer e o que esperar na sua primeira consulta.",
        "首次就诊需携带的物品及就诊流程。",
        "ما يجب إحضاره وما يمكن توقعه في موعدك الأول.",
        "Что взять с собой и чего ожидать на первом приёме.",
    ),
    "Arrive 20 minutes early to complete registration.": (
        "Llegue 20 minutos antes para completar el registro.",
        "Chegue 20 minutos antes para fazer o cadastro.",
        "请提前20分钟到达以完成登记。",
        "احضر قبل موعدك بعشرين دقيقة لإكمال التسجيل.",
        "Приходите за 20 минут, чтобы пройти регистрацию.",
    ),
    "Bring a friend or family member if you would like support.": (
        "Traiga a un amigo o familiar si desea compañía.",
        "Traga um amigo ou familiar se quiser apoio.",
        "如需陪伴，可携带一位朋友或家人。",
        "أحضر صديقًا أو أحد أفراد عائلتك إذا رغبت في الدعم.",
        "Возьмите с собой друга или родственника, если хотите поддержки.",
    ),
    "Checklist: bring to your visit": (
        "Lista: qué traer a su consulta",
        "Lista: o que levar à sua consulta",
        "清单：就诊时请携带",
        "قائمة: ما تحضره إلى زيارتك",
        "Список: что взять на визит",
    ),
    "Print this list and check each item before you leave home.": (
        "Imprima esta lista y marque cada punto antes de salir de casa.",
        "Imprima esta lista e marque cada item antes de sair de casa.",
        "请打印此清单，出门前逐项核对。",
        "اطبع هذه القائمة وتحقق من كل بند قبل مغادرة المنزل.",
        "Распечатайте этот список и отметьте каждый пункт перед выходом из дома.",
    ),
    "Documents": ("Documentos", "Documentos", "证件与文件", "المستندات", "Документы"),
    "Photo ID and insurance card": (
        "Identificación con foto y tarjeta del seguro",
        "Documento com foto e carteirinha do plano de saúde",
        "带照片的身份证件和保险卡",
        "بطاقة هوية بصورة وبطاقة التأمين",
        "Документ с фотографией и страховой полис",
    ),
    "Referral letter and recent test results": (
        "Carta de derivación y resultados recientes de pruebas",
        "Carta de encaminhamento e resultados de exames recentes",
        "转诊信和近期检查结果",
        "خطاب الإحالة ونتائج الفحوصات الأخيرة",
        "Направление и результаты недавних анализов",
    ),
    "Health information": (
        "Información de salud",
        "Informações de saúde",
        "健康信息",
        "المعلومات الصحية",
        "Сведения о здоровье",
    ),
    "A list of your medicines and doses": (
        "Una lista de sus medicamentos y dosis",
        "Uma lista dos seus medicamentos e doses",
        "您所服用药物及剂量的清单",
        "قائمة بأدويتك وجرعاتها",
        "Список ваших лекарств и доз",
    ),
    "Your questions for the care team": (
        "Sus preguntas para el equipo de atención",
        "Suas perguntas para a equipe de cuidados",
        "您想问医疗团队的问题",
        "أسئلتك لفريق الرعاية",
        "Ваши вопросы для команды",
    ),
}
