# ruff: noqa: E501 - each label stays one string, as translators will see it
"""The English source strings of the staging tables, marked for translation.

makemessages reads Python and templates, never the JSON tables, so every title, source and
label in ``schemes/*.json`` is repeated here inside gettext_noop; the engine passes them
through gettext when it returns them. A test fails when this list and the tables drift apart.
"""

from django.utils.translation import gettext_noop

TABLE_STRINGS = (
    gettext_noop("Bone: appendicular skeleton, trunk, skull and facial bones"),
    gettext_noop("AJCC Cancer Staging Manual, 8th edition"),
    gettext_noop("Primary tumor"),
    gettext_noop("Primary tumor cannot be assessed"),
    gettext_noop("No evidence of primary tumor"),
    gettext_noop("Tumor 8 cm or less in greatest dimension"),
    gettext_noop("Tumor more than 8 cm in greatest dimension"),
    gettext_noop("Discontinuous tumors in the primary bone site"),
    gettext_noop("Regional lymph nodes"),
    gettext_noop(
        "Regional lymph nodes cannot be assessed; nodal spread of bone sarcoma is rare, so AJCC advises N0 unless node involvement is clinically evident"
    ),
    gettext_noop("No regional lymph node metastasis"),
    gettext_noop("Regional lymph node metastasis"),
    gettext_noop("Distant metastasis"),
    gettext_noop("No distant metastasis"),
    gettext_noop("Lung"),
    gettext_noop("Bone or other distant sites"),
    gettext_noop("Histologic grade"),
    gettext_noop("Grade cannot be assessed (staged as low grade)"),
    gettext_noop("Well differentiated, low grade"),
    gettext_noop("Moderately differentiated, high grade"),
    gettext_noop("Poorly differentiated, high grade"),
    gettext_noop("the tumor's greatest dimension (cm)"),
    gettext_noop("discontinuous tumors in the primary bone site"),
    gettext_noop("regional lymph node metastasis"),
    gettext_noop("the sites of distant metastasis"),
    gettext_noop("the histologic differentiation (well, moderate or poor)"),
    gettext_noop("Bone: pelvis"),
    gettext_noop("Tumor confined to one pelvic segment with no extraosseous extension"),
    gettext_noop(
        "Tumor confined to one pelvic segment with no extraosseous extension, 8 cm or less in greatest dimension"
    ),
    gettext_noop(
        "Tumor confined to one pelvic segment with no extraosseous extension, more than 8 cm in greatest dimension"
    ),
    gettext_noop(
        "Tumor confined to one pelvic segment with extraosseous extension, or to two segments without extraosseous extension"
    ),
    gettext_noop(
        "Tumor confined to one pelvic segment with extraosseous extension, or to two segments without extraosseous extension, 8 cm or less in greatest dimension"
    ),
    gettext_noop(
        "Tumor confined to one pelvic segment with extraosseous extension, or to two segments without extraosseous extension, more than 8 cm in greatest dimension"
    ),
    gettext_noop("Tumor spanning two pelvic segments with extraosseous extension"),
    gettext_noop(
        "Tumor spanning two pelvic segments with extraosseous extension, 8 cm or less in greatest dimension"
    ),
    gettext_noop(
        "Tumor spanning two pelvic segments with extraosseous extension, more than 8 cm in greatest dimension"
    ),
    gettext_noop("Tumor spanning three pelvic segments or crossing the sacroiliac joint"),
    gettext_noop(
        "Tumor involves the sacroiliac joint and extends medial to the sacral neuroforamen"
    ),
    gettext_noop(
        "Tumor encasement of external iliac vessels or gross tumor thrombus in major pelvic vessels"
    ),
    gettext_noop("the number of pelvic segments the tumor spans"),
    gettext_noop("extraosseous extension"),
    gettext_noop("tumor crossing the sacroiliac joint"),
    gettext_noop(
        "tumor involving the sacroiliac joint and extending medial to the sacral neuroforamen"
    ),
    gettext_noop(
        "encasement of the external iliac vessels or gross tumor thrombus in major pelvic vessels"
    ),
    gettext_noop("Bone: spine"),
    gettext_noop("Tumor confined to one vertebral segment or two adjacent vertebral segments"),
    gettext_noop("Tumor confined to three adjacent vertebral segments"),
    gettext_noop(
        "Tumor confined to four or more adjacent vertebral segments, or any nonadjacent vertebral segments"
    ),
    gettext_noop("Extension into the spinal canal or great vessels"),
    gettext_noop("Extension into the spinal canal"),
    gettext_noop("Evidence of gross vascular invasion or tumor thrombus in the great vessels"),
    gettext_noop("the number of adjacent vertebral segments involved"),
    gettext_noop("involvement of nonadjacent vertebral segments"),
    gettext_noop("extension into the spinal canal"),
    gettext_noop("gross vascular invasion or tumor thrombus in the great vessels"),
    gettext_noop("Enneking (MSTS) surgical staging of bone tumors"),
    gettext_noop("Enneking surgical staging system (Musculoskeletal Tumor Society)"),
    gettext_noop("Surgical grade"),
    gettext_noop("Benign"),
    gettext_noop("Low grade malignant"),
    gettext_noop("High grade malignant"),
    gettext_noop("Anatomic site"),
    gettext_noop("Intracapsular"),
    gettext_noop("Intracompartmental"),
    gettext_noop("Extracompartmental"),
    gettext_noop("Metastasis"),
    gettext_noop("No regional or distant metastasis"),
    gettext_noop("Regional or distant metastasis"),
    gettext_noop("Benign tumor activity"),
    gettext_noop("Latent"),
    gettext_noop("Active"),
    gettext_noop("Aggressive"),
    gettext_noop("the tumor's behaviour (benign or malignant)"),
    gettext_noop("the histologic grade (low or high)"),
    gettext_noop("the anatomic site (intracapsular, intracompartmental or extracompartmental)"),
    gettext_noop("regional or distant metastasis"),
    gettext_noop("the benign tumor's activity (latent, active or aggressive)"),
    gettext_noop("Lung: non-small cell lung cancer"),
    gettext_noop(
        "Primary tumor cannot be assessed, or tumor proven by malignant cells in sputum or bronchial washings but not visualized by imaging or bronchoscopy"
    ),
    gettext_noop("Carcinoma in situ (squamous cell carcinoma in situ or adenocarcinoma in situ)"),
    gettext_noop(
        "Tumor 3 cm or less, surrounded by lung or visceral pleura, not in the main bronchus"
    ),
    gettext_noop("Minimally invasive adenocarcinoma"),
    gettext_noop("Tumor 1 cm or less in greatest dimension"),
    gettext_noop("Tumor more than 1 cm and 2 cm or less in greatest dimension"),
    gettext_noop("Tumor more than 2 cm and 3 cm or less in greatest dimension"),
    gettext_noop(
        "Tumor more than 3 cm and 5 cm or less, or invading the visceral pleura, involving the main bronchus, or with atelectasis to the hilum"
    ),
    gettext_noop(
        "Tumor more than 3 cm and 4 cm or less in greatest dimension, or a T2 feature with size 4 cm or less or unknown"
    ),
    gettext_noop("Tumor more than 4 cm and 5 cm or less in greatest dimension"),
    gettext_noop(
        "Tumor more than 5 cm and 7 cm or less, or invading the parietal pleura, chest wall, phrenic nerve or parietal pericardium, or separate nodules in the same lobe"
    ),
    gettext_noop(
        "Tumor more than 7 cm, or invading the diaphragm, mediastinum, heart, great vessels, trachea, recurrent laryngeal nerve, esophagus, vertebral body or carina, or separate nodules in a different ipsilateral lobe"
    ),
    gettext_noop("Regional lymph nodes cannot be assessed"),
    gettext_noop(
        "Metastasis in ipsilateral peribronchial, ipsilateral hilar or intrapulmonary nodes, including involvement by direct extension"
    ),
    gettext_noop("Metastasis in ipsilateral mediastinal or subcarinal nodes"),
    gettext_noop(
        "Metastasis in contralateral mediastinal, contralateral hilar, ipsilateral or contralateral scalene, or supraclavicular nodes"
    ),
    gettext_noop(
        "Separate tumor nodules in a contralateral lobe, pleural or pericardial nodules, or malignant pleural or pericardial effusion"
    ),
    gettext_noop(
        "Single extrathoracic metastasis in a single organ, including a single nonregional node"
    ),
    gettext_noop("Multiple extrathoracic metastases in one or several organs"),
    gettext_noop("the structures the tumor invades"),
    gettext_noop("atelectasis or obstructive pneumonitis extending to the hilar region"),
    gettext_noop("separate tumor nodules in the same lobe as the primary"),
    gettext_noop("separate tumor nodules in a different ipsilateral lobe"),
    gettext_noop("the regional lymph node stations involved"),
    gettext_noop("the number of extrathoracic metastases"),
    gettext_noop("Soft tissue sarcoma of the trunk and extremities"),
    gettext_noop("Tumor 5 cm or less in greatest dimension"),
    gettext_noop("Tumor more than 5 cm and 10 cm or less in greatest dimension"),
    gettext_noop("Tumor more than 10 cm and 15 cm or less in greatest dimension"),
    gettext_noop("Tumor more than 15 cm in greatest dimension"),
    gettext_noop("No regional lymph node metastasis or unknown lymph node status"),
    gettext_noop("FNCLCC histologic grade"),
    gettext_noop("Grade cannot be assessed (staged with G1)"),
    gettext_noop("Total differentiation, mitotic count and necrosis score of 2 or 3"),
    gettext_noop("Total differentiation, mitotic count and necrosis score of 4 or 5"),
    gettext_noop("Total differentiation, mitotic count and necrosis score of 6, 7 or 8"),
    gettext_noop("the FNCLCC tumor differentiation score (1 to 3)"),
    gettext_noop(
        "the FNCLCC mitotic count score (1 to 3) or the mitotic count per 10 high-power fields"
    ),
    gettext_noop("the mitotic count per 10 high-power fields"),
    gettext_noop("the FNCLCC tumor necrosis score (0 to 2) or the percentage of tumor necrosis"),
    gettext_noop("the percentage of tumor necrosis"),
)
