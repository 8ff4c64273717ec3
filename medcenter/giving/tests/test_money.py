"""Money is integer minor units; text in, Babel out; and no float anywhere in the app."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from medcenter.giving.money import check_limits, fee_for, format_money, parse_amount

APP = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("50", "USD", 5000),
        ("50.00", "USD", 5000),
        ("$1,000", "USD", 100000),
        ("50,5", "EUR", 5050),
        (" 75.25 ", "USD", 7525),
    ],
)
def test_reads_amounts_as_typed(text, currency, minor):
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize("text", ["abc", "", "1e5", "NaN", "inf", "12.345", "9" * 40, "--1"])
def test_refuses_what_is_not_an_amount(text):
    with pytest.raises(ValidationError):
        parse_amount(text, "USD")


@pytest.mark.parametrize(
    ("minor", "currency", "language", "shown"),
    [
        (123450, "USD", "en", "$1,234.50"),
        (123450, "USD", "es", "1.234,50\xa0US$"),
        (123450, "EUR", "pt-br", "€\xa01.234,50"),
        (5000, "USD", "zh-hans", "US$50.00"),
    ],
)
def test_formats_in_the_visitors_language(minor, currency, language, shown):
    assert format_money(minor, currency, language) == shown


def test_limits_are_per_currency():
    check_limits(500, "USD")
    with pytest.raises(ValidationError):
        check_limits(499, "USD")
    with pytest.raises(ValidationError):
        check_limits(2000, "BRL")
    with pytest.raises(ValidationError):
        check_limits(5000, "JPY")


@pytest.mark.parametrize(("minor", "fee"), [(5000, 181), (10000, 330), (500, 46)])
def test_the_covered_fee_leaves_the_whole_gift_after_the_gateways_cut(minor, fee):
    assert fee_for(minor, percent_bp=290, fixed=30) == fee
    total = minor + fee
    # What the gateway keeps (2.9 % + 30 cents, rounded) leaves at least the gift.
    assert total - (total * 290 + 9999) // 10000 - 30 >= minor - 1


def test_no_float_anywhere_in_the_app():
    """A float literal, a float() call or a FloatField in medcenter/giving is a money bug."""
    found: list[str] = []
    for path in APP.rglob("*.py"):
        if "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                found.append(f"{path.name}:{node.lineno} float literal")
            elif isinstance(node, ast.Name) and node.id == "float":
                found.append(f"{path.name}:{node.lineno} float()")
            elif isinstance(node, ast.Attribute) and node.attr in ("FloatField", "DecimalField"):
                found.append(f"{path.name}:{node.lineno} {node.attr}")
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                found.append(f"{path.name}:{node.lineno} true division")
    assert found == []
