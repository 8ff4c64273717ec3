# ruff: noqa: RUF001
"""Plain-language titles and summaries of the demo trials in Portuguese, Chinese, Arabic and Russian."""  # noqa: E501

PLAIN: dict[str, dict[str, dict[str, str]]] = {
    "NCT99001001": {
        "pt-br": {
            "title": (
                "Um novo comprimido contra EGFR, com ou sem radiação no cérebro, para câncer de "
                "pulmão"
            ),
            "summary": (
                "Para adultos cujo câncer de pulmão se espalhou e tem uma alteração no EGFR "
                "(deleção do éxon 19 ou L858R). Todos tomam um comprimido por dia; alguns também "
                "recebem radiação direcionada a pontos no cérebro. Pessoas com metástases no "
                "cérebro podem participar."
            ),
        },
        "zh-hans": {
            "title": "一种新的EGFR口服药，联合或不联合脑部放疗，用于治疗肺癌",
            "summary": (
                "适用于肺癌已经扩散、并且带有EGFR改变（19号外显子缺失或L858R）的成年人。"
                "每个人每天服用一片药；有些人还会接受针对脑部病灶的精准放疗。"
                "已有脑转移的人也可以参加。"
            ),
        },
        "ar": {
            "title": "حبة دواء جديدة تستهدف EGFR، مع أو بدون علاج إشعاعي للدماغ، لسرطان الرئة",
            "summary": (
                "للبالغين الذين انتشر لديهم سرطان الرئة ويحمل تغيّرًا في EGFR (حذف في الإكسون 19 "
                "أو L858R). يتناول الجميع حبة دواء يوميًا؛ ويتلقى بعضهم أيضًا علاجًا إشعاعيًا "
                "مركّزًا على مواضع في الدماغ. يمكن للأشخاص المصابين بانتقالات سرطانية في الدماغ "
                "المشاركة."
            ),
        },
        "ru": {
            "title": (
                "Новая таблетка против EGFR — с облучением головного мозга или без него — при "
                "раке лёгкого"
            ),
            "summary": (
                "Для взрослых, у которых рак лёгкого распространился и есть изменение EGFR "
                "(делеция в экзоне 19 или L858R). Все участники принимают таблетку каждый день; "
                "некоторые также получают прицельное облучение очагов в головном мозге. "
                "Участвовать могут и люди с метастазами в головном мозге."
            ),
        },
    },
    "NCT99001002": {
        "pt-br": {
            "title": "Um comprimido direcionado para câncer de pulmão com a alteração KRAS G12C",
            "summary": (
                "Para adultos cujo câncer de pulmão cresceu depois da quimioterapia e tem a "
                "alteração KRAS G12C."
            ),
        },
        "zh-hans": {
            "title": "一种针对KRAS G12C改变的肺癌靶向口服药",
            "summary": "适用于化疗后肺癌仍在继续生长、并且带有KRAS G12C改变的成年人。",
        },
        "ar": {
            "title": "حبة دواء موجّهة لسرطان الرئة الذي يحمل تغيّر KRAS G12C",
            "summary": (
                "للبالغين الذين نما لديهم سرطان الرئة بعد العلاج الكيميائي ويحمل تغيّر KRAS G12C."
            ),
        },
        "ru": {
            "title": "Таблетка направленного действия при раке лёгкого с изменением KRAS G12C",
            "summary": (
                "Для взрослых, у которых рак лёгкого продолжил расти после химиотерапии и есть "
                "изменение KRAS G12C."
            ),
        },
    },
    "NCT99001003": {
        "pt-br": {
            "title": (
                "Comparação de dois comprimidos contra ALK como primeiro tratamento do câncer de "
                "pulmão ALK positivo"
            ),
            "summary": (
                "Para adultos com câncer de pulmão avançado que tem uma alteração no ALK e ainda "
                "não foi tratado."
            ),
        },
        "zh-hans": {
            "title": "比较两种ALK口服药作为ALK阳性肺癌的首次治疗",
            "summary": "适用于患有晚期肺癌、肺癌带有ALK改变并且还没有接受过治疗的成年人。",
        },
        "ar": {
            "title": (
                "مقارنة بين نوعين من الحبوب تستهدفان ALK كأول علاج لسرطان الرئة الإيجابي لـ ALK"
            ),
            "summary": "للبالغين المصابين بسرطان رئة متقدم يحمل تغيّرًا في ALK ولم يُعالَج بعد.",
        },
        "ru": {
            "title": (
                "Сравнение двух таблеток против ALK в качестве первого лечения ALK-положительного "
                "рака лёгкого"
            ),
            "summary": (
                "Для взрослых с распространённым раком лёгкого, в котором есть изменение ALK и "
                "который ещё не лечили."
            ),
        },
    },
    "NCT99002001": {
        "pt-br": {
            "title": (
                "Um novo anticorpo junto com a quimioterapia para o sarcoma de Ewing que voltou"
            ),
            "summary": (
                "Para adolescentes e adultos jovens (de 12 a 39 anos) cujo sarcoma de Ewing "
                "voltou ou não desapareceu com o primeiro tratamento."
            ),
        },
        "zh-hans": {
            "title": "在化疗的基础上加用一种新抗体，治疗复发的尤文肉瘤",
            "summary": (
                "适用于尤文肉瘤复发、或经过首次治疗后仍未消失的青少年和年轻成人（12至39岁）。"
            ),
        },
        "ar": {
            "title": "جسم مضاد جديد يُضاف إلى العلاج الكيميائي لساركوما يوينغ التي عادت",
            "summary": (
                "للمراهقين والشباب (من 12 إلى 39 عامًا) الذين عادت لديهم ساركوما يوينغ أو لم "
                "تختفِ مع العلاج الأول."
            ),
        },
        "ru": {
            "title": "Новое антитело в дополнение к химиотерапии при вернувшейся саркоме Юинга",
            "summary": (
                "Для подростков и молодых взрослых (от 12 до 39 лет), у которых саркома Юинга "
                "вернулась или не прошла после первого лечения."
            ),
        },
    },
    "NCT99002002": {
        "pt-br": {
            "title": (
                "Intervalos mais curtos entre os ciclos de quimioterapia para o osteossarcoma "
                "recém-descoberto"
            ),
            "summary": (
                "Para crianças e adultos jovens (de 5 a 40 anos) com osteossarcoma que acabou de "
                "ser diagnosticado e ainda não foi tratado."
            ),
        },
        "zh-hans": {
            "title": "缩短化疗间隔，治疗新确诊的骨肉瘤",
            "summary": "适用于骨肉瘤刚刚确诊、还没有接受过治疗的儿童和年轻成人（5至40岁）。",
        },
        "ar": {
            "title": "فترات أقصر بين دورات العلاج الكيميائي للساركوما العظمية المكتشفة حديثًا",
            "summary": (
                "للأطفال والشباب (من 5 إلى 40 عامًا) المصابين بساركوما عظمية شُخِّصت للتو ولم "
                "تُعالَج بعد."
            ),
        },
        "ru": {
            "title": (
                "Более короткие перерывы между курсами химиотерапии при впервые выявленной "
                "остеосаркоме"
            ),
            "summary": (
                "Для детей и молодых взрослых (от 5 до 40 лет) с остеосаркомой, которую только "
                "что обнаружили и ещё не лечили."
            ),
        },
    },
    "NCT99002003": {
        "pt-br": {
            "title": "Um comprimido direcionado para o condrossarcoma com uma alteração no IDH1",
            "summary": (
                "Para adultos cujo condrossarcoma não pode ser retirado com cirurgia ou se "
                "espalhou, e cujo tumor tem uma alteração no IDH1."
            ),
        },
        "zh-hans": {
            "title": "一种针对IDH1改变的软骨肉瘤靶向口服药",
            "summary": "适用于软骨肉瘤无法通过手术切除或已经扩散、并且肿瘤带有IDH1改变的成年人。",
        },
        "ar": {
            "title": "حبة دواء موجّهة للساركوما الغضروفية التي تحمل تغيّرًا في IDH1",
            "summary": (
                "للبالغين المصابين بساركوما غضروفية لا يمكن استئصالها بالجراحة أو انتشرت، ويحمل "
                "ورمهم تغيّرًا في IDH1."
            ),
        },
        "ru": {
            "title": "Таблетка направленного действия при хондросаркоме с изменением IDH1",
            "summary": (
                "Для взрослых, у которых хондросаркому нельзя удалить хирургически или она "
                "распространилась, а в опухоли есть изменение IDH1."
            ),
        },
    },
    "NCT99002004": {
        "pt-br": {
            "title": "Imunoterapia com radiação para sarcomas ósseos avançados",
            "summary": (
                "Para adultos cujo sarcoma ósseo se espalhou ou voltou depois de pelo menos um "
                "tratamento."
            ),
        },
        "zh-hans": {
            "title": "免疫治疗联合放疗，用于晚期骨骼肉瘤",
            "summary": "适用于骨骼肉瘤已经扩散、或在至少一次治疗后又复发的成年人。",
        },
        "ar": {
            "title": "العلاج المناعي مع العلاج الإشعاعي لساركومات العظام المتقدمة",
            "summary": (
                "للبالغين الذين انتشرت لديهم ساركوما العظام أو عادت بعد علاج واحد على الأقل."
            ),
        },
        "ru": {
            "title": "Иммунотерапия вместе с облучением при распространённых саркомах костей",
            "summary": (
                "Для взрослых, у которых саркома кости распространилась или вернулась после хотя "
                "бы одного курса лечения."
            ),
        },
    },
    "NCT99003001": {
        "pt-br": {
            "title": (
                "Um tratamento direcionado com anticorpo para o câncer de mama HER2 positivo que "
                "se espalhou"
            ),
            "summary": (
                "Para mulheres cujo câncer de mama HER2 positivo se espalhou, inclusive para o "
                "cérebro, se esses pontos já foram tratados e estão estáveis."
            ),
        },
        "zh-hans": {
            "title": "一种抗体靶向治疗，用于已经扩散的HER2阳性乳腺癌",
            "summary": (
                "适用于HER2阳性乳腺癌已经扩散的女性，包括扩散到脑部的情况，"
                "前提是脑部的这些病灶已经治疗过并且保持稳定。"
            ),
        },
        "ar": {
            "title": "علاج موجّه بالأجسام المضادة لسرطان الثدي الإيجابي لـ HER2 الذي انتشر",
            "summary": (
                "للنساء اللواتي انتشر لديهن سرطان الثدي الإيجابي لـ HER2، بما في ذلك إلى الدماغ "
                "إذا كانت تلك المواضع قد عولجت وأصبحت مستقرة."
            ),
        },
        "ru": {
            "title": (
                "Лечение антителом направленного действия при распространившемся "
                "HER2-положительном раке молочной железы"
            ),
            "summary": (
                "Для женщин, у которых HER2-положительный рак молочной железы распространился, в "
                "том числе в головной мозг, если эти очаги уже пролечены и остаются стабильными."
            ),
        },
    },
    "NCT99004001": {
        "pt-br": {
            "title": "Um comprimido direcionado para tumores infantis com uma fusão NTRK",
            "summary": (
                "Para crianças e jovens (de 1 a 21 anos) cujo tumor sólido voltou e tem uma fusão "
                "do gene NTRK."
            ),
        },
        "zh-hans": {
            "title": "一种针对NTRK融合的儿童肿瘤靶向口服药",
            "summary": "适用于实体瘤复发、并且带有NTRK基因融合的儿童和年轻人（1至21岁）。",
        },
        "ar": {
            "title": "حبة دواء موجّهة لأورام الأطفال التي تحمل اندماج NTRK",
            "summary": (
                "للأطفال والشباب (من 1 إلى 21 عامًا) الذين عاد لديهم ورم صلب يحمل اندماجًا في جين "
                "NTRK."
            ),
        },
        "ru": {
            "title": "Таблетка направленного действия при детских опухолях со слиянием NTRK",
            "summary": (
                "Для детей и молодых людей (от 1 до 21 года), у которых солидная опухоль "
                "вернулась и в ней есть слияние гена NTRK."
            ),
        },
    },
    "NCT99005001": {
        "pt-br": {
            "title": "Comprimidos direcionados antes da cirurgia para o melanoma com BRAF V600E",
            "summary": (
                "Para adultos com melanoma em estágio III que pode ser retirado com cirurgia e "
                "tem a alteração BRAF V600E."
            ),
        },
        "zh-hans": {
            "title": "手术前服用靶向药，治疗带有BRAF V600E的黑色素瘤",
            "summary": "适用于III期黑色素瘤可以通过手术切除、并且带有BRAF V600E改变的成年人。",
        },
        "ar": {
            "title": "حبوب دواء موجّهة قبل الجراحة للميلانوما التي تحمل BRAF V600E",
            "summary": (
                "للبالغين المصابين بميلانوما في المرحلة III يمكن استئصالها بالجراحة وتحمل تغيّر "
                "BRAF V600E."
            ),
        },
        "ru": {
            "title": "Таблетки направленного действия перед операцией при меланоме с BRAF V600E",
            "summary": (
                "Для взрослых с меланомой III стадии, которую можно удалить хирургически и в "
                "которой есть изменение BRAF V600E."
            ),
        },
    },
}
