"""The CMS cell-size policy: no count from 1 to 10 is shown or derivable."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcenter.quality.suppression import (
    Cell,
    Reason,
    ShownCell,
    SuppressedTable,
    Table,
    is_small,
    suppress,
)

# --- An onlooker's derivations -----------------------------------------------------------------


def counts_of(numerator: int, denominator: int) -> tuple[int, int, int]:
    return numerator, denominator, denominator - numerator


def published(cell: ShownCell) -> tuple[int, int]:
    assert cell.numerator is not None and cell.denominator is not None
    return cell.numerator, cell.denominator


def derivable_by_subtraction(shown: SuppressedTable) -> list[tuple[str, tuple[int, int, int]]]:
    """Every count an onlooker gets from the published cells alone, by addition/subtraction.

    Published: each shown cell's numerator and denominator (so its complement, proportion and
    interval, which add nothing new); nothing of a hidden cell. Derived: the overall cell from
    a stratifier whose strata are all shown; within a stratifier whose overall cell is known,
    the hidden strata's sum (one hidden stratum: that stratum) as total minus the shown ones.
    """
    found: list[tuple[str, tuple[int, int, int]]] = []
    cells = [("total", shown.total)] + [
        (f"{stratifier}/{label}", cell)
        for stratifier, strata in shown.strata.items()
        for label, cell in strata.items()
    ]
    for name, cell in cells:
        if not cell.suppressed:
            found.append((name, counts_of(*published(cell))))
    total: tuple[int, int] | None = None
    if not shown.total.suppressed:
        total = published(shown.total)
    else:
        for stratifier, strata in shown.strata.items():
            if all(not cell.suppressed for cell in strata.values()):
                pairs = [published(cell) for cell in strata.values()]
                total = (sum(x for x, _n in pairs), sum(n for _x, n in pairs))
                found.append((f"total from {stratifier}", counts_of(*total)))
                break
    if total is not None:
        for stratifier, strata in shown.strata.items():
            hidden = [label for label, cell in strata.items() if cell.suppressed]
            if not hidden:
                continue
            pairs = [published(c) for c in strata.values() if not c.suppressed]
            shown_x = sum(x for x, _n in pairs)
            shown_n = sum(n for _x, n in pairs)
            remainder = counts_of(total[0] - shown_x, total[1] - shown_n)
            found.append((f"{stratifier}/{'+'.join(hidden)}", remainder))
    return found


def determined_hidden_cells(table: Table, shown: SuppressedTable) -> list[str]:
    """Hidden cells whose counts any linear combination of the published figures pins down.

    Unknowns: every hidden cell (the overall cell too). Each stratifier gives one equation,
    total - sum(hidden strata) = a published number (the same for numerators and
    denominators). A cell is determined when its unit vector lies in the equations' row space.
    """
    unknowns: list[tuple[str, str | None]] = []
    if shown.total.suppressed:
        unknowns.append(("total", None))
    for stratifier, strata in shown.strata.items():
        unknowns.extend((stratifier, label) for label, c in strata.items() if c.suppressed)
    if not unknowns:
        return []
    index = {key: i for i, key in enumerate(unknowns)}
    rows = []
    for stratifier, strata in shown.strata.items():
        row = np.zeros(len(unknowns))
        if ("total", None) in index:
            row[index[("total", None)]] = 1
        for label, published_cell in strata.items():
            if published_cell.suppressed:
                row[index[(stratifier, label)]] = -1
        rows.append(row)
    equations = np.array(rows) if rows else np.zeros((0, len(unknowns)))
    rank = np.linalg.matrix_rank(equations) if rows else 0
    determined = []
    for key, i in index.items():
        unit = np.zeros(len(unknowns))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([equations, unit])) == rank:
            determined.append(key)
    names = []
    for group, member in determined:
        cell = table.total if member is None else table.strata[group][member]
        if any(is_small(count) for count in counts_of(cell.numerator, cell.denominator)):
            names.append(group if member is None else f"{group}/{member}")
    return names


# --- Random populations ------------------------------------------------------------------------


def split(draw, total: int, parts: int) -> list[int]:
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=parts - 1, max_size=parts - 1)))
    return [high - low for low, high in zip([0, *cuts], [*cuts, total], strict=True)]


@st.composite
def tables(draw) -> Table:
    denominator = draw(st.integers(0, 300))
    numerator = draw(st.integers(0, denominator))
    strata = {}
    for s in range(draw(st.integers(1, 4))):
        parts = draw(st.integers(1, 6))
        numerators = split(draw, numerator, parts)
        complements = split(draw, denominator - numerator, parts)
        strata[f"stratifier{s}"] = {
            f"stratum{i}": Cell(x, x + c)
            for i, (x, c) in enumerate(zip(numerators, complements, strict=True))
        }
    return Table(Cell(numerator, denominator), strata)


@settings(max_examples=400, deadline=None)
@given(tables())
def test_no_count_from_one_to_ten_is_shown_or_derivable(table):
    shown = suppress(table)
    for name, counts in derivable_by_subtraction(shown):
        assert not any(is_small(count) for count in counts), (name, counts)
    assert determined_hidden_cells(table, shown) == []


@settings(max_examples=200, deadline=None)
@given(tables())
def test_hidden_cells_publish_nothing_and_shown_cells_publish_the_truth(table):
    shown = suppress(table)
    pairs = [(table.total, shown.total)] + [
        (table.strata[s][label], shown.strata[s][label])
        for s in table.strata
        for label in table.strata[s]
    ]
    for cell, published in pairs:
        if published.suppressed:
            assert (published.numerator, published.denominator) == (None, None)
            assert published.proportion is None and published.interval() is None
        else:
            assert (published.numerator, published.denominator) == (
                cell.numerator,
                cell.denominator,
            )
            assert published.interval() is not None


# --- Worked examples ---------------------------------------------------------------------------


def test_a_table_of_large_counts_is_shown_whole():
    table = Table(
        Cell(300, 1000),
        {"sex": {"female": Cell(160, 520), "male": Cell(140, 480)}},
    )
    shown = suppress(table)
    assert shown.suppressed_count == 0
    assert shown.strata["sex"]["female"] == ShownCell(160, 520, None)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        (Cell(0, 10), Reason.SMALL_DENOMINATOR),
        (Cell(0, 0), Reason.SMALL_DENOMINATOR),
        (Cell(10, 200), Reason.SMALL_NUMERATOR),
        (Cell(1, 200), Reason.SMALL_NUMERATOR),
        (Cell(190, 200), Reason.SMALL_COMPLEMENT),
        (Cell(199, 200), Reason.SMALL_COMPLEMENT),
    ],
)
def test_primary_suppression_of_the_overall_cell(cell, reason):
    assert suppress(Table(cell, {})).total == ShownCell(None, None, reason)


@pytest.mark.parametrize("cell", [Cell(0, 11), Cell(11, 200), Cell(189, 200), Cell(200, 200)])
def test_zero_and_eleven_or_more_are_shown(cell):
    assert suppress(Table(cell, {})).total.suppressed is False


def test_one_small_stratum_takes_the_next_smallest_with_it():
    # 40-64 has 4 events: hidden. Alone it would be 300 - (100 + 90 + 60) = 4, so the next
    # smallest denominator (75+, 150) is hidden too: 4 + 60 = 64 events, 350 patients.
    table = Table(
        Cell(254, 1000),
        {
            "age": {
                "18-39": Cell(100, 300),
                "40-64": Cell(4, 200),
                "65-74": Cell(90, 350),
                "75+": Cell(60, 150),
            }
        },
    )
    age = suppress(table).strata["age"]
    assert age["40-64"].reason is Reason.SMALL_NUMERATOR
    assert age["75+"].reason is Reason.COMPLEMENTARY
    assert not age["18-39"].suppressed and not age["65-74"].suppressed


def test_two_small_strata_whose_sum_is_small_take_a_third():
    # 3 + 4 = 7 events would be derivable for the two together: a third stratum goes too.
    table = Table(
        Cell(200, 1000),
        {"area": {"100": Cell(3, 300), "101": Cell(4, 300), "102": Cell(193, 400)}},
    )
    area = suppress(table).strata["area"]
    assert [area[k].reason for k in ("100", "101", "102")] == [
        Reason.SMALL_NUMERATOR,
        Reason.SMALL_NUMERATOR,
        Reason.COMPLEMENTARY,
    ]


def test_two_small_strata_whose_sum_is_eleven_or_more_stand_alone():
    table = Table(
        Cell(200, 1000),
        {"area": {"100": Cell(5, 300), "101": Cell(6, 300), "102": Cell(189, 400)}},
    )
    area = suppress(table).strata["area"]
    assert area["102"] == ShownCell(189, 400, None)
    assert suppress(table).suppressed_count == 2


def test_a_hidden_total_cannot_be_rebuilt_from_a_stratifier():
    # 5 events overall: the total is hidden; by sex both strata are shown would add up to it.
    table = Table(
        Cell(5, 100),
        {
            "sex": {"female": Cell(5, 60), "male": Cell(0, 40)},
            "language": {"en": Cell(0, 50), "es": Cell(0, 30), "ru": Cell(5, 20)},
        },
    )
    shown = suppress(table)
    assert shown.total.reason is Reason.SMALL_NUMERATOR
    assert shown.strata["sex"]["female"].reason is Reason.SMALL_NUMERATOR
    assert shown.strata["sex"]["male"] == ShownCell(0, 40, None)
    assert shown.strata["language"]["ru"].reason is Reason.SMALL_NUMERATOR
    assert determined_hidden_cells(table, shown) == []


def test_a_small_complement_is_protected_like_a_small_numerator():
    # 95 of 100 screened: the 5 not screened are a count from 1 to 10.
    table = Table(Cell(395, 500), {"sex": {"female": Cell(95, 100), "male": Cell(300, 400)}})
    sex = suppress(table).strata["sex"]
    assert sex["female"].reason is Reason.SMALL_COMPLEMENT
    assert sex["male"].reason is Reason.COMPLEMENTARY


def test_the_outcome_does_not_depend_on_the_order_of_strata():
    strata = {"a": Cell(20, 100), "b": Cell(3, 100), "c": Cell(20, 100), "d": Cell(30, 200)}
    forward = suppress(Table(Cell(73, 500), {"x": strata}))
    backward = suppress(Table(Cell(73, 500), {"x": dict(reversed(list(strata.items())))}))
    assert forward.strata["x"] == backward.strata["x"]
    # a and c tie on denominator and numerator; the label decides: a goes.
    assert forward.strata["x"]["a"].reason is Reason.COMPLEMENTARY


def test_strata_must_add_up_to_the_total():
    with pytest.raises(ValueError):
        Table(Cell(10, 100), {"sex": {"female": Cell(5, 50), "male": Cell(4, 50)}})


@pytest.mark.parametrize(("numerator", "denominator"), [(-1, 5), (6, 5)])
def test_impossible_cells_are_refused(numerator, denominator):
    with pytest.raises(ValueError):
        Cell(numerator, denominator)


def test_the_checkers_catch_a_naive_suppression():
    # Hiding only the small cell leaves it derivable: the checkers must see it.
    table = Table(Cell(254, 1000), {"age": {"young": Cell(250, 800), "old": Cell(4, 200)}})
    naive = SuppressedTable(
        ShownCell(254, 1000, None),
        {
            "age": {
                "young": ShownCell(250, 800, None),
                "old": ShownCell(None, None, Reason.SMALL_NUMERATOR),
            }
        },
    )
    derived = dict(derivable_by_subtraction(naive))
    assert derived["age/old"] == (4, 200, 196)
    assert determined_hidden_cells(table, naive) == ["age/old"]
