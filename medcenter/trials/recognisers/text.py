"""Text folding and number words that criteria and notes share."""

_SYMBOLS = str.maketrans(
    {
        "≧": "≥",
        "⩾": "≥",
        "≦": "≤",
        "⩽": "≤",
        "\u2013": "-",
        "—": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\u2212": "-",
        "μ": "µ",
        "\u2019": "'",
        "“": '"',
        "”": '"',
        "⁹": "9",
        "³": "3",
        "²": "2",
        "¹": "1",
        "⁰": "0",
        "⁶": "6",
    }
)


def normalize_symbols(text: str) -> str:
    """Same length as `text`, so spans found in it index the source too."""
    return (
        text.translate(_SYMBOLS)
        .replace(">=", "≥ ")
        .replace("=>", "≥ ")
        .replace("<=", "≤ ")
        .replace("=<", "≤ ")
    )


NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "eighteen": 18,
    "twenty": 20,
    "twenty-one": 21,
}
