"""The catalogue's definitions and plain explanations in the site's other five languages.

Data, not interface strings: a measure's words are content, revised as new versions. Each
entry is (definition, explanation) per language; the names are in `catalogue.Spec.names`.
Written for patients and families: plain words, the clinical term named once where a reader
may meet it elsewhere (SIR, HCAHPS)."""

from __future__ import annotations

_SIR_BELOW_ONE = {
    "es": "Un valor por debajo de 1,0 significa menos infecciones de las esperadas para hospitales como el nuestro.",
    "pt-br": "Abaixo de 1,0 significa menos infecções do que o esperado para hospitais como o nosso.",
    "zh-hans": "低于1.0表示感染比同类医院的预期更少。",
    "ar": "القيمة الأقل من 1.0 تعني عدوى أقل من المتوقع لمستشفيات مثل مستشفانا.",
    "ru": "Значение ниже 1,0 означает, что инфекций меньше, чем ожидается для больниц, подобных нашей.",
}

TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "referral-to-first-visit-days": {
        "es": (
            "La mediana de días desde que recibimos una derivación hasta la primera consulta del paciente.",
            "Cuánto tiempo espera la gente desde que recibimos su derivación hasta que la atendemos.",
        ),
        "pt-br": (
            "A mediana de dias entre a chegada de um encaminhamento e a primeira consulta do paciente.",
            "Quanto tempo as pessoas esperam, desde que recebemos o encaminhamento até serem atendidas.",
        ),
        "zh-hans": (
            "从收到转诊之日到患者首次就诊之间天数的中位数。",
            "从我们收到转诊到患者得到诊治，人们需要等待多长时间。",
        ),
        "ar": (
            "الوسيط لعدد الأيام من يوم وصول الإحالة إلى أول زيارة للمريض.",
            "المدة التي ينتظرها الناس من استلامنا للإحالة حتى يراهم الطبيب.",
        ),
        "ru": (
            "Медиана числа дней от поступления направления до первого визита пациента.",
            "Сколько люди ждут с момента, когда мы получили направление, до приёма у врача.",
        ),
    },
    "referral-seen-within-14-days": {
        "es": (
            "La proporción de pacientes derivados que tienen su primera consulta dentro de los 14 días siguientes a la derivación.",
            "De cada 100 personas derivadas a nosotros, cuántas fueron atendidas en dos semanas.",
        ),
        "pt-br": (
            "A proporção de pacientes encaminhados atendidos pela primeira vez em até 14 dias após o encaminhamento.",
            "De cada 100 pessoas encaminhadas a nós, quantas foram atendidas em até duas semanas.",
        ),
        "zh-hans": (
            "转诊患者中在转诊后14天内首次就诊的比例。",
            "每100位转诊给我们的人中，有多少人在两周内得到诊治。",
        ),
        "ar": (
            "نسبة المرضى المُحالين الذين رآهم الطبيب أول مرة خلال 14 يومًا من الإحالة.",
            "من بين كل 100 شخص أُحيلوا إلينا، كم منهم رآه الطبيب خلال أسبوعين.",
        ),
        "ru": (
            "Доля направленных пациентов, впервые принятых в течение 14 дней после направления.",
            "Сколько из каждых 100 направленных к нам людей были приняты в течение двух недель.",
        ),
    },
    "consult-letter-within-30-days": {
        "es": (
            "La proporción de primeras consultas de pacientes derivados cuya carta de consulta llegó al médico que los derivó en un plazo de 30 días.",
            "Si el médico que nos envió a un paciente recibe nuestra respuesta a tiempo.",
        ),
        "pt-br": (
            "A proporção de primeiras consultas de pacientes encaminhados cuja carta de consulta chegou ao médico que os encaminhou em até 30 dias.",
            "Se o médico que nos enviou um paciente recebe o nosso retorno a tempo.",
        ),
        "zh-hans": (
            "转诊患者首次就诊后，会诊信在30天内送达转诊医生的比例。",
            "把患者转诊给我们的医生能否及时收到我们的回复。",
        ),
        "ar": (
            "نسبة الزيارات الأولى للمرضى المُحالين التي وصل فيها خطاب الاستشارة إلى الطبيب المُحيل خلال 30 يومًا.",
            "هل يتلقى الطبيب الذي أرسل إلينا المريض ردّنا في الوقت المناسب.",
        ),
        "ru": (
            "Доля первых визитов направленных пациентов, после которых консультативное письмо дошло до направившего врача в течение 30 дней.",
            "Получает ли врач, направивший к нам пациента, наш ответ вовремя.",
        ),
    },
    "message-reply-hours": {
        "es": (
            "La mediana de horas desde el mensaje de un paciente en el portal hasta la primera respuesta del equipo de atención.",
            "Con qué rapidez responde el equipo de atención a los mensajes enviados por el portal del paciente.",
        ),
        "pt-br": (
            "A mediana de horas entre a mensagem do paciente no portal e a primeira resposta da equipe de cuidado.",
            "Com que rapidez a equipe de cuidado responde às mensagens enviadas pelo portal do paciente.",
        ),
        "zh-hans": (
            "从患者在门户网站发送消息到医疗团队首次回复之间小时数的中位数。",
            "医疗团队回复通过患者门户发送的消息有多快。",
        ),
        "ar": (
            "الوسيط لعدد الساعات من رسالة المريض عبر البوابة إلى أول رد من فريق الرعاية.",
            "مدى سرعة رد فريق الرعاية على الرسائل المرسلة عبر بوابة المرضى.",
        ),
        "ru": (
            "Медиана часов от сообщения пациента на портале до первого ответа лечащей команды.",
            "Как быстро лечащая команда отвечает на сообщения, отправленные через портал пациента.",
        ),
    },
    "stage-within-30-days": {
        "es": (
            "La proporción de cánceres primarios nuevos con el estadio registrado dentro de los 30 días siguientes al diagnóstico o a la primera consulta, lo que ocurra más tarde.",
            "Conocer pronto el estadio de un cáncer orienta la elección del tratamiento.",
        ),
        "pt-br": (
            "A proporção de novos cânceres primários com o estadiamento registrado em até 30 dias após o diagnóstico ou a primeira consulta, o que ocorrer por último.",
            "Conhecer cedo o estágio de um câncer orienta a escolha do tratamento.",
        ),
        "zh-hans": (
            "新发原发癌症中，在诊断或首次就诊（以较晚者为准）后30天内记录了分期的比例。",
            "尽早了解癌症的分期，有助于选择治疗方案。",
        ),
        "ar": (
            "نسبة السرطانات الأولية الجديدة التي سُجّلت مرحلتها خلال 30 يومًا من التشخيص أو من الزيارة الأولى، أيهما جاء لاحقًا.",
            "معرفة مرحلة السرطان مبكرًا توجّه اختيار العلاج.",
        ),
        "ru": (
            "Доля новых первичных опухолей, у которых стадия записана в течение 30 дней после диагноза или первого визита (по более поздней из этих дат).",
            "Раннее определение стадии рака помогает выбрать лечение.",
        ),
    },
    "board-review-within-60-days": {
        "es": (
            "La proporción de cánceres primarios nuevos que se presentan en un comité de tumores dentro de los 60 días siguientes al diagnóstico.",
            "Que varios especialistas revisen juntos un cáncer nuevo mejora el plan de tratamiento.",
        ),
        "pt-br": (
            "A proporção de novos cânceres primários discutidos em um comitê de tumores em até 60 dias após o diagnóstico.",
            "Quando vários especialistas analisam juntos um novo câncer, o plano de tratamento melhora.",
        ),
        "zh-hans": (
            "新发原发癌症中，在诊断后60天内经肿瘤多学科委员会讨论的比例。",
            "多位专科医生共同讨论新确诊的癌症，能让治疗方案更完善。",
        ),
        "ar": (
            "نسبة السرطانات الأولية الجديدة التي نوقشت في مجلس الأورام خلال 60 يومًا من التشخيص.",
            "مراجعة عدة أطباء متخصصين للسرطان الجديد معًا تحسّن خطة العلاج.",
        ),
        "ru": (
            "Доля новых первичных опухолей, обсуждённых на онкологическом консилиуме в течение 60 дней после диагноза.",
            "Когда несколько специалистов вместе разбирают новый случай рака, план лечения получается лучше.",
        ),
    },
    "board-concordance": {
        "es": (
            "La proporción de recomendaciones firmadas del comité de tumores marcadas como conformes a las guías clínicas.",
            "Con qué frecuencia el consejo del comité sigue las guías de tratamiento publicadas.",
        ),
        "pt-br": (
            "A proporção de recomendações assinadas do comitê de tumores marcadas como conformes às diretrizes clínicas.",
            "Com que frequência a orientação do comitê segue as diretrizes de tratamento publicadas.",
        ),
        "zh-hans": (
            "已签署的肿瘤委员会建议中，被标记为符合临床指南的比例。",
            "委员会的建议遵循已发布治疗指南的频率。",
        ),
        "ar": (
            "نسبة توصيات مجلس الأورام الموقّعة التي وُصفت بأنها مطابقة للإرشادات السريرية.",
            "مدى اتباع نصائح المجلس لإرشادات العلاج المنشورة.",
        ),
        "ru": (
            "Доля подписанных рекомендаций онкоконсилиума, отмеченных как соответствующие клиническим руководствам.",
            "Как часто советы консилиума следуют опубликованным руководствам по лечению.",
        ),
    },
    "new-patients-in-trial": {
        "es": (
            "La proporción de pacientes nuevos que se inscribieron en un ensayo clínico.",
            "Los ensayos clínicos dan acceso a tratamientos nuevos; esta medida cuenta cuántos pacientes nuevos participan en uno.",
        ),
        "pt-br": (
            "A proporção de novos pacientes que se inscreveram em um ensaio clínico.",
            "Os ensaios clínicos dão acesso a novos tratamentos; esta medida conta quantos pacientes novos participam de um.",
        ),
        "zh-hans": (
            "新患者中参加临床试验的比例。",
            "临床试验让患者有机会获得新的治疗；这项指标统计有多少新患者参加了临床试验。",
        ),
        "ar": (
            "نسبة المرضى الجدد الذين سُجّلوا في تجربة سريرية.",
            "تتيح التجارب السريرية الوصول إلى علاجات جديدة، ويحسب هذا المقياس عدد المرضى الجدد الذين ينضمون إلى إحداها.",
        ),
        "ru": (
            "Доля новых пациентов, включённых в клиническое исследование.",
            "Клинические исследования дают доступ к новым методам лечения; здесь считается, сколько новых пациентов в них участвуют.",
        ),
    },
    "symptom-reports-on-treatment": {
        "es": (
            "La proporción de meses-paciente en tratamiento con al menos un cuestionario de síntomas completado.",
            "Informar de los síntomas cada semana permite al equipo actuar antes de que los problemas crezcan.",
        ),
        "pt-br": (
            "A proporção de pacientes-mês em tratamento com pelo menos um questionário de sintomas preenchido.",
            "Relatar os sintomas toda semana permite que a equipe aja antes que os problemas aumentem.",
        ),
        "zh-hans": (
            "治疗期间的患者月中，至少完成一次症状自评问卷的比例。",
            "每周报告症状，能让医疗团队在问题加重之前及时处理。",
        ),
        "ar": (
            "نسبة أشهر المرضى أثناء العلاج التي اكتمل فيها استبيان أعراض واحد على الأقل.",
            "الإبلاغ عن الأعراض أسبوعيًا يتيح للفريق التصرف قبل أن تتفاقم المشكلات.",
        ),
        "ru": (
            "Доля пациенто-месяцев лечения, в которые заполнен хотя бы один опросник о симптомах.",
            "Еженедельные сообщения о симптомах позволяют команде помочь раньше, чем проблемы усилятся.",
        ),
    },
    "pain-scored-at-treatment-visits": {
        "es": (
            "La proporción de consultas de pacientes que reciben quimioterapia en las que se evaluó el dolor, en un cuestionario respondido entre 7 días antes de la consulta y el día de la consulta.",
            "Preguntar por el dolor en cada consulta durante el tratamiento es el primer paso para aliviarlo.",
        ),
        "pt-br": (
            "A proporção de consultas de pacientes em quimioterapia em que a dor foi avaliada, em um questionário respondido entre 7 dias antes da consulta e o dia da consulta.",
            "Perguntar sobre a dor em toda consulta durante o tratamento é o primeiro passo para aliviá-la.",
        ),
        "zh-hans": (
            "正在接受化疗的患者的就诊中，在就诊前7天至就诊当天填写的问卷里评估了疼痛的比例。",
            "治疗期间每次就诊都询问疼痛情况，是缓解疼痛的第一步。",
        ),
        "ar": (
            "نسبة زيارات المرضى الذين يتلقون العلاج الكيميائي التي قُيّم فيها الألم في استبيان أُجيب عنه بين 7 أيام قبل الزيارة ويوم الزيارة.",
            "السؤال عن الألم في كل زيارة أثناء العلاج هو الخطوة الأولى لتخفيفه.",
        ),
        "ru": (
            "Доля визитов пациентов, получающих химиотерапию, при которых боль была оценена в опроснике, заполненном за 7 дней до визита или в день визита.",
            "Вопрос о боли на каждом визите во время лечения — первый шаг к её облегчению.",
        ),
    },
    "no-shows": {
        "es": (
            "La proporción de citas previstas en el mes a las que el paciente no acudió.",
            "Las citas perdidas retrasan la atención y dejan sin usar un tiempo que otro paciente podría haber aprovechado.",
        ),
        "pt-br": (
            "A proporção de consultas previstas no mês às quais o paciente não compareceu.",
            "As faltas atrasam o cuidado e deixam sem uso um horário que outro paciente poderia ter tido.",
        ),
        "zh-hans": (
            "当月应到诊的预约中，患者未到诊的比例。",
            "错过的预约会延误治疗，也浪费了本可以留给其他患者的时间。",
        ),
        "ar": (
            "نسبة المواعيد المستحقة في الشهر التي لم يحضرها المريض.",
            "تؤخر المواعيد الفائتة الرعاية وتترك وقتًا غير مستخدم كان يمكن أن يستفيد منه مريض آخر.",
        ),
        "ru": (
            "Доля запланированных на месяц приёмов, на которые пациент не пришёл.",
            "Пропущенные приёмы задерживают лечение, а время, которое мог бы получить другой пациент, пропадает.",
        ),
    },
    "slot-fill": {
        "es": (
            "Minutos reservados con un médico sobre los minutos ofrecidos en el horario semanal de los médicos.",
            "Qué parte del tiempo que ofrecen nuestros médicos usan realmente los pacientes.",
        ),
        "pt-br": (
            "Minutos agendados com médicos sobre os minutos oferecidos na agenda semanal dos médicos.",
            "Quanto do tempo que nossos médicos disponibilizam é usado pelos pacientes.",
        ),
        "zh-hans": (
            "已预约的医生分钟数占医生每周出诊时间所提供分钟数的比例。",
            "我们的医生提供的门诊时间中，有多少被患者用上了。",
        ),
        "ar": (
            "دقائق المواعيد المحجوزة مع الأطباء مقسومة على الدقائق المتاحة في ساعات عملهم الأسبوعية.",
            "مقدار الوقت الذي يتيحه أطباؤنا ويستخدمه المرضى فعلًا.",
        ),
        "ru": (
            "Забронированные минуты приёма у врачей, делённые на минуты, предложенные в их еженедельном расписании.",
            "Какую часть времени, которое выделяют наши врачи, используют пациенты.",
        ),
    },
    "waitlist-offers-accepted": {
        "es": (
            "La proporción de citas anticipadas ofrecidas desde la lista de espera que los pacientes aceptaron.",
            "Cuando se libera un horario, con qué frecuencia un paciente en espera puede aprovecharlo.",
        ),
        "pt-br": (
            "A proporção de consultas antecipadas oferecidas a partir da lista de espera que os pacientes aceitaram.",
            "Quando um horário fica livre, com que frequência um paciente que está esperando consegue aproveitá-lo.",
        ),
        "zh-hans": (
            "从候补名单中提供的提前预约被患者接受的比例。",
            "有时间空出来时，正在等待的患者能接受的频率。",
        ),
        "ar": (
            "نسبة المواعيد المبكرة المعروضة من قائمة الانتظار التي قبلها المرضى.",
            "عندما يتوفر موعد، كم مرة يستطيع مريض ينتظر أن يأخذه.",
        ),
        "ru": (
            "Доля предложенных из листа ожидания более ранних приёмов, которые пациенты приняли.",
            "Как часто освободившееся время может занять пациент, который ждёт приёма.",
        ),
    },
    "clabsi-sir": {
        "es": (
            "Razón estandarizada de infecciones (SIR) de las infecciones del torrente sanguíneo asociadas a vía central (CLABSI): infecciones observadas divididas entre las que predice la NHSN.",
            _SIR_BELOW_ONE["es"],
        ),
        "pt-br": (
            "Razão padronizada de infecção (SIR) das infecções da corrente sanguínea associadas a cateter central (CLABSI): infecções observadas divididas pelas previstas pela NHSN.",
            _SIR_BELOW_ONE["pt-br"],
        ),
        "zh-hans": (
            "中心静脉导管相关血流感染（CLABSI）的标准化感染比（SIR）：实际发生的感染数除以NHSN模型预测的感染数。",
            _SIR_BELOW_ONE["zh-hans"],
        ),
        "ar": (
            "نسبة العدوى المعيارية (SIR) لعدوى مجرى الدم المرتبطة بالقسطرة المركزية (CLABSI): حالات العدوى المرصودة مقسومة على الحالات التي تتوقعها شبكة NHSN.",
            _SIR_BELOW_ONE["ar"],
        ),
        "ru": (
            "Стандартизованное отношение инфекций (SIR) для инфекций кровотока, связанных с центральным венозным катетером (CLABSI): наблюдаемые инфекции, делённые на предсказанные моделью NHSN.",
            _SIR_BELOW_ONE["ru"],
        ),
    },
    "cauti-sir": {
        "es": (
            "Razón estandarizada de infecciones (SIR) de las infecciones urinarias asociadas a sonda vesical (CAUTI): infecciones observadas divididas entre las que predice la NHSN.",
            _SIR_BELOW_ONE["es"],
        ),
        "pt-br": (
            "Razão padronizada de infecção (SIR) das infecções do trato urinário associadas a cateter vesical (CAUTI): infecções observadas divididas pelas previstas pela NHSN.",
            _SIR_BELOW_ONE["pt-br"],
        ),
        "zh-hans": (
            "导尿管相关尿路感染（CAUTI）的标准化感染比（SIR）：实际发生的感染数除以NHSN模型预测的感染数。",
            _SIR_BELOW_ONE["zh-hans"],
        ),
        "ar": (
            "نسبة العدوى المعيارية (SIR) لعدوى المسالك البولية المرتبطة بالقسطرة البولية (CAUTI): حالات العدوى المرصودة مقسومة على الحالات التي تتوقعها شبكة NHSN.",
            _SIR_BELOW_ONE["ar"],
        ),
        "ru": (
            "Стандартизованное отношение инфекций (SIR) для инфекций мочевых путей, связанных с мочевым катетером (CAUTI): наблюдаемые инфекции, делённые на предсказанные моделью NHSN.",
            _SIR_BELOW_ONE["ru"],
        ),
    },
    "cdiff-sir": {
        "es": (
            "Razón estandarizada de infecciones (SIR) por C. difficile adquiridas en el hospital, calculada según la NHSN.",
            _SIR_BELOW_ONE["es"],
        ),
        "pt-br": (
            "Razão padronizada de infecção (SIR) por C. difficile de início hospitalar, calculada segundo a NHSN.",
            _SIR_BELOW_ONE["pt-br"],
        ),
        "zh-hans": (
            "医院内发生的艰难梭菌感染的标准化感染比（SIR），按NHSN方法计算。",
            _SIR_BELOW_ONE["zh-hans"],
        ),
        "ar": (
            "نسبة العدوى المعيارية (SIR) لعدوى المطثية العسيرة التي تبدأ في المستشفى، محسوبة وفق شبكة NHSN.",
            _SIR_BELOW_ONE["ar"],
        ),
        "ru": (
            "Стандартизованное отношение инфекций (SIR) для внутрибольничных инфекций C. difficile, рассчитанное по методике NHSN.",
            _SIR_BELOW_ONE["ru"],
        ),
    },
    "falls-per-1000-patient-days": {
        "es": (
            "Caídas de pacientes hospitalizados por cada 1.000 días-paciente.",
            "Con qué frecuencia se caen los pacientes mientras están a nuestro cuidado.",
        ),
        "pt-br": (
            "Quedas de pacientes internados por 1.000 pacientes-dia.",
            "Com que frequência os pacientes caem enquanto estão sob os nossos cuidados.",
        ),
        "zh-hans": (
            "住院患者每1000患者日的跌倒次数。",
            "患者在我们照护期间跌倒的频率。",
        ),
        "ar": (
            "حالات سقوط المرضى المنوَّمين لكل 1000 يوم مريض.",
            "عدد مرات سقوط المرضى أثناء وجودهم في رعايتنا.",
        ),
        "ru": (
            "Падения госпитализированных пациентов на 1000 койко-дней.",
            "Как часто пациенты падают, пока находятся на лечении у нас.",
        ),
    },
    "hcahps-top-box": {
        "es": (
            "HCAHPS: la proporción de pacientes encuestados que responden «definitivamente sí» a si recomendarían el hospital.",
            "Lo que los pacientes cuentan sobre su estancia en una encuesta independiente.",
        ),
        "pt-br": (
            "HCAHPS: a proporção de pacientes entrevistados que respondem “com certeza sim” quando perguntados se recomendariam o hospital.",
            "O que os pacientes contam sobre a sua internação em uma pesquisa independente.",
        ),
        "zh-hans": (
            "HCAHPS：接受调查的患者中，对“是否会推荐本医院”回答“肯定会”的比例。",
            "患者在独立调查中如何评价他们的住院经历。",
        ),
        "ar": (
            "HCAHPS: نسبة المرضى المشاركين في الاستبيان الذين أجابوا «نعم بالتأكيد» عن سؤال التوصية بالمستشفى.",
            "ما يقوله المرضى عن إقامتهم في استبيان مستقل.",
        ),
        "ru": (
            "HCAHPS: доля опрошенных пациентов, ответивших «определённо да» на вопрос, порекомендуют ли они больницу.",
            "Что пациенты рассказывают о своём пребывании в больнице в независимом опросе.",
        ),
    },
}
