"""Laboratory values in one unit per test, so a criterion and a result can be compared.

Criteria state limits in the unit their authors use ("≥ 1,500/mm³", "≥ 1.5 x 10⁹/L",
"creatinine ≤ 133 µmol/L"); a result may come in another. Each test has a canonical unit
and each known unit a factor into it. A unit not in the table, or one that makes no sense
for the test ("hemoglobin ≥ 9 mg/dL"), gives None: the criterion stays unknown rather than
being compared wrongly. With no unit at all, blood counts and hemoglobin are read by their
size (1,500 is per mm³, 1.5 is 10⁹/L; 9 is g/dL, 90 is g/L), as readers of protocols do.
"""


def gettext_noop(message: str) -> str:
    """Marks a wording for the catalogues; this module needs no Django settings."""
    return message


# The tests as people read them: the record's LabTest labels and the matcher's evidence.
NAMES = {
    "anc": gettext_noop("Absolute neutrophil count"),
    "platelets": gettext_noop("Platelets"),
    "hemoglobin": gettext_noop("Hemoglobin"),
    "creatinine": gettext_noop("Creatinine"),
    "creatinine_clearance": gettext_noop("Creatinine clearance"),
    "bilirubin": gettext_noop("Total bilirubin"),
    "ast": gettext_noop("AST (aspartate aminotransferase)"),
    "alt": gettext_noop("ALT (alanine aminotransferase)"),
    "albumin": gettext_noop("Albumin"),
    "inr": gettext_noop("INR"),
}

CANONICAL = {
    "anc": "10^9/L",
    "platelets": "10^9/L",
    "hemoglobin": "g/dL",
    "creatinine": "mg/dL",
    "creatinine_clearance": "mL/min",
    "bilirubin": "mg/dL",
    "ast": "U/L",
    "alt": "U/L",
    "albumin": "g/dL",
    "inr": "",
}

_COUNTS = {
    **dict.fromkeys(("/mm3", "/mm^3", "/mcl", "/ul", "/µl", "/μl", "/cumm", "/cmm"), 1e-3),
    **dict.fromkeys(("cells/mm3", "cells/mm^3", "cells/ul", "cells/µl", "cells/mcl"), 1e-3),
    **dict.fromkeys(("10^9/l", "x10^9/l", "g/l", "giga/l", "10^3/µl", "10^3/ul", "10^3/mcl"), 1.0),
    **dict.fromkeys(("10^3/mm3", "10^3/mm^3", "k/mm3", "k/ul", "k/µl", "k/mcl"), 1.0),
    "10^6/l": 1e-3,
    "/l": 1e-9,
}
FACTORS: dict[str, dict[str, float]] = {
    "anc": _COUNTS,
    "platelets": _COUNTS,
    "hemoglobin": {"g/dl": 1.0, "gm/dl": 1.0, "g/100ml": 1.0, "g/l": 0.1, "mmol/l": 1.611},
    "creatinine": {"mg/dl": 1.0, "umol/l": 1 / 88.42, "µmol/l": 1 / 88.42, "μmol/l": 1 / 88.42},
    "bilirubin": {"mg/dl": 1.0, "umol/l": 1 / 17.1, "µmol/l": 1 / 17.1, "μmol/l": 1 / 17.1},
    "creatinine_clearance": dict.fromkeys(
        ("ml/min", "ml/minute", "cc/min", "ml/min/1.73m2", "ml/min/1.73m^2", "ml/min/1.73"), 1.0
    ),
    "ast": {"u/l": 1.0, "iu/l": 1.0},
    "alt": {"u/l": 1.0, "iu/l": 1.0},
    "albumin": {"g/dl": 1.0, "gm/dl": 1.0, "g/l": 0.1},
    "inr": {"": 1.0},
}


def clean_unit(unit: str | None) -> str:
    return (
        (unit or "")
        .strip()
        .lower()
        .replace(" ", "")
        .replace("³", "3")
        .replace("⁹", "^9")
        .replace("\u00d7", "x")
        .replace("10*", "10^")  # UCUM, as FHIR feeds write it: 10*9/L, 10*3/uL
        .replace("[", "")
        .replace("]", "")  # UCUM annotations: [IU]/L
    )


def known_units(test: str) -> list[str]:
    return sorted(u for u in FACTORS.get(test, {}) if u)


def to_canonical(test: str, value: float, unit: str | None) -> float | None:
    """`value` in `unit` as the test's canonical unit; None if the unit is not understood."""
    factors = FACTORS.get(test)
    if factors is None:
        return None
    unit = clean_unit(unit)
    if not unit and test not in ("inr",):
        if test in ("anc", "platelets"):
            return value * 1e-3 if value >= 100 else value
        if test == "hemoglobin":
            return value * 0.1 if value >= 30 else value
        return None
    factor = factors.get(unit)
    return None if factor is None else value * factor
