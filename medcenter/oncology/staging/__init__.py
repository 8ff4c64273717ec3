"""Cancer staging from declarative tables: AJCC Cancer Staging Manual, 8th edition, and the
Enneking (MSTS) surgical staging of bone tumors.

Each scheme is one JSON table in ``schemes/`` (categories and their definitions, how raw facts
derive each category, the stage-group rows); one generic engine interprets them all. Tables
are checked and precompiled at import, so staging is a dict lookup, and every result carries
the table's rule version so a stored stage says which rules produced it.

    stage(scheme="nsclc", categories={"t": "cT3", "n": "cN3", "m": "cM0"}).stage_group  # "IIIC"
    stage(scheme="bone_appendicular", facts={"size_cm": 9, "regional_node_metastasis": False,
          "metastasis_sites": [], "differentiation": "poor"})  # T2 N0 M0 G3 → IIB

Input that cannot be staged raises StagingError with a message per field; a combination the
source gives no group (pelvis and spine have none in AJCC 8; TX or NX may hide it) returns
``stage_group=None`` with a ``stage_group_note`` that says why. Nothing is ever guessed.

Sources: AJCC Cancer Staging Manual, 8th edition (Amin MB et al., eds.; Springer, 2017),
chapters 36 (Lung), 38 (Bone) and 41 (Soft Tissue Sarcoma of the Trunk and Extremities);
Enneking WF et al., Clin Orthop Relat Res 1980;(153):106-120.
"""

from medcenter.oncology.staging.engine import (
    CLASSIFICATIONS,
    SCHEMES,
    AxisInfo,
    CategoryInfo,
    FactInfo,
    SchemeInfo,
    StageResult,
    StagingError,
    list_schemes,
    stage,
)

__all__ = [
    "CLASSIFICATIONS",
    "SCHEMES",
    "AxisInfo",
    "CategoryInfo",
    "FactInfo",
    "SchemeInfo",
    "StageResult",
    "StagingError",
    "list_schemes",
    "stage",
]
