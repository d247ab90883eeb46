"""planner.continuity on hand-computed histories (the arithmetic is in the comments)."""

from __future__ import annotations

import pytest

from planner.continuity import (
    Aggregate,
    ChildMeasures,
    MonthRecord,
    add_months,
    aggregate,
    child_measures,
    month_index,
)

FULL = 2550  # 5 days x 8 h 30 min = 2,550 weekly minutes


def rec(
    month: str,
    child: str,
    primary: str | None,
    group: str | None = "g",
    attended: int = FULL,
    overlap: int | None = None,
    reason: str | None = None,
) -> MonthRecord:
    return MonthRecord(
        month=month,
        child=child,
        primary=primary,
        group=group,
        attended_minutes=attended,
        overlap_minutes=attended if overlap is None else overlap,
        reason=reason,
    )


def months(start: str, n: int) -> list[str]:
    return [add_months(start, i) for i in range(n)]


def history(child: str, primaries: list[str | None], start: str = "2025-01", **kw) -> list:
    return [
        rec(m, child, p, **kw)
        for m, p in zip(months(start, len(primaries)), primaries, strict=True)
    ]


# -- months -----------------------------------------------------------------------------------


def test_months_are_calendar_months() -> None:
    assert month_index("2025-12") + 1 == month_index("2026-01")
    assert add_months("2025-11", 3) == "2026-02"
    assert add_months("2026-01", -1) == "2025-12"
    for bad in ("2025-13", "2025-1", "25-01", "2025-00"):
        with pytest.raises(ValueError, match="YYYY-MM"):
            month_index(bad)


def test_bad_records_are_refused() -> None:
    with pytest.raises(ValueError, match="reason"):
        rec("2025-01", "a", "x", reason="weather")
    with pytest.raises(ValueError, match="negative"):
        rec("2025-01", "a", "x", attended=-1)
    with pytest.raises(ValueError, match="two records"):
        child_measures([rec("2025-01", "a", "x"), rec("2025-01", "a", "y")])


# -- runs and changes -------------------------------------------------------------------------


def test_one_primary_for_two_years() -> None:
    m = child_measures(history("a", ["x"] * 24))["a"]
    # 24 months, one run of 24, no change
    assert (m.months, m.primary_changes, m.runs, m.months_same_primary) == (24, 0, [24], 24.0)
    assert m.changes_per_child_year == 0.0
    assert m.child_years == 2.0


def test_the_documents_example_runs_of_10_and_14() -> None:
    m = child_measures(history("a", ["x"] * 10 + ["y"] * 14))["a"]
    # runs 10 and 14: mean (10 + 14) / 2 = 12 months; 1 change in 24 months = 2 child-years
    assert m.runs == [10, 14]
    assert m.months_same_primary == 12.0
    assert m.primary_changes == 1
    assert m.changes_per_child_year == 0.5  # 1 / (24 / 12)


def test_changes_per_child_year_and_the_caregiver_left_split() -> None:
    records = [
        rec("2025-01", "a", "x"),
        rec("2025-02", "a", "x"),
        rec("2025-03", "a", "y", reason="caregiver_left"),  # change 1, the caregiver left
        rec("2025-04", "a", "y"),
        rec("2025-05", "a", "y", reason="schedule"),  # a reason without a change: not counted
        rec("2025-06", "a", "z", reason="aged"),  # change 2
    ]
    m = child_measures(records)["a"]
    # 2 changes in 6 months = 0.5 child-years: 2 / 0.5 = 4 changes per child-year
    assert (m.primary_changes, m.changes_caregiver_left) == (2, 1)
    assert m.changes_per_child_year == 4.0
    # runs x,x | y,y,y | z: 2, 3, 1; mean 6 / 3 = 2
    assert m.runs == [2, 3, 1]
    assert m.months_same_primary == 2.0


def test_a_gap_month_breaks_runs_but_is_not_a_change() -> None:
    # x x (no primary) x: the gap ends the first run and starts none; x -> gap -> x is no change
    m = child_measures(history("a", ["x", "x", None, "x"]))["a"]
    assert m.runs == [2, 1]
    assert m.months_same_primary == 1.5  # (2 + 1) / 2
    assert m.primary_changes == 0
    assert m.months == 4  # the gap month counts as enrolled
    # x (gap) y: one change, counted at y
    m = child_measures(history("b", ["x", None, "y"]))["b"]
    assert (m.runs, m.primary_changes) == ([1, 1], 1)
    assert m.changes_per_child_year == 4.0  # 1 / (3 / 12)


def test_a_month_without_a_group_is_a_gap_too() -> None:
    records = [
        rec("2025-01", "a", "x"),
        rec("2025-02", "a", "x", group=None),
        rec("2025-03", "a", "x"),
    ]
    m = child_measures(records)["a"]
    assert m.runs == [1, 1]
    assert m.primary_changes == 0


def test_a_child_who_never_had_a_primary_has_no_run() -> None:
    m = child_measures(history("a", [None, None]))["a"]
    assert (m.runs, m.months_same_primary, m.primary_changes) == ([], 0.0, 0)
    # no primary: the child attended and nobody was its primary: presence 0
    assert m.presence == 0.0


def test_runs_and_changes_need_calendar_consecutive_months() -> None:
    # Enrolled Jan-Mar, away Apr-May, back Jun-Jul, with another primary after the break:
    # the break ends the run, and a return is not a change (it starts afresh like a first month)
    records = [
        *[rec(m, "a", "x") for m in ("2025-01", "2025-02", "2025-03")],
        *[rec(m, "a", "y") for m in ("2025-06", "2025-07")],
    ]
    m = child_measures(records)["a"]
    assert m.runs == [3, 2]
    assert m.primary_changes == 0
    assert m.months == 5
    # the same primary on both sides of the break: still two runs
    records = [rec("2025-01", "b", "x"), rec("2025-03", "b", "x")]
    assert child_measures(records)["b"].runs == [1, 1]


def test_records_in_any_order_and_across_the_new_year() -> None:
    records = history("a", ["x", "x", "y"], start="2025-11")
    m = child_measures(list(reversed(records)))["a"]
    assert m.runs == [2, 1]  # Nov, Dec with x; Jan with y
    assert m.primary_changes == 1


# -- presence ---------------------------------------------------------------------------------


def test_presence_weights_each_month_by_its_minutes() -> None:
    records = [
        rec("2025-01", "a", "x", attended=1000, overlap=900),
        rec("2025-02", "a", "x", attended=3000, overlap=1500),
    ]
    m = child_measures(records)["a"]
    # (900 + 1500) / (1000 + 3000) = 2400 / 4000 = 0.6 (the mean of months would be 0.7)
    assert m.presence == pytest.approx(0.6)


def test_presence_counts_months_without_a_primary_as_absent() -> None:
    records = [
        rec("2025-01", "a", "x", attended=1000, overlap=1000),
        rec("2025-02", "a", None, attended=1000, overlap=700),  # no primary: its overlap is 0
    ]
    # 1000 / (1000 + 1000) = 0.5
    assert child_measures(records)["a"].presence == pytest.approx(0.5)


def test_no_attended_minutes_no_presence() -> None:
    assert child_measures([rec("2025-01", "a", "x", attended=0)])["a"].presence is None


# -- group stability --------------------------------------------------------------------------


def test_group_stability_with_children_joining_and_leaving() -> None:
    records = [
        # January: group A = a, b, c, d; group B = e
        rec("2025-01", "a", "x", "A"),
        rec("2025-01", "b", "x", "A"),
        rec("2025-01", "c", "x", "A"),
        rec("2025-01", "d", "x", "A"),
        rec("2025-01", "e", "y", "B"),
        # February: a, b in A; c moved to B; d left the program; f joined A
        rec("2025-02", "a", "x", "A"),
        rec("2025-02", "b", "x", "A"),
        rec("2025-02", "c", "y", "B"),
        rec("2025-02", "e", "y", "B"),
        rec("2025-02", "f", "x", "A"),
        # March: everybody stays where they were, except b, who moves to B
        rec("2025-03", "a", "x", "A"),
        rec("2025-03", "b", "y", "B"),
        rec("2025-03", "c", "y", "B"),
        rec("2025-03", "e", "y", "B"),
        rec("2025-03", "f", "x", "A"),
    ]
    m = child_measures(records)
    # a: Jan->Feb mates enrolled both months: b, c (d left): kept b: 1/2
    #    Feb->Mar mates: b, f: kept f: 1/2                          mean (0.5 + 0.5) / 2 = 0.5
    assert m["a"].group_stability == pytest.approx(0.5)
    # b: Jan->Feb mates a, c: kept a: 1/2; Feb->Mar mates a, f; b is now in B: 0/2    mean 0.25
    assert m["b"].group_stability == pytest.approx(0.25)
    # c: Jan->Feb mates a, b; c is in B: 0/2; Feb->Mar mate e (in B with c): 1/1     mean 0.5
    assert m["c"].group_stability == pytest.approx(0.5)
    # e: Jan->Feb: no mate in B (skipped); Feb->Mar mate c, kept: 1/1                   1.0
    assert m["e"].group_stability == pytest.approx(1.0)
    # f: Feb->Mar mates a, b: kept a: 1/2
    assert m["f"].group_stability == pytest.approx(0.5)
    # d: one month only: no pair
    assert m["d"].group_stability is None


def test_a_group_that_moves_together_is_stable_whatever_its_name() -> None:
    # Robins becomes Wrens with all its children: the group-mates are kept
    records = [
        *[rec("2025-01", c, "x", "Robins") for c in "abc"],
        *[rec("2025-02", c, "x", "Wrens") for c in "abc"],
    ]
    assert {m.group_stability for m in child_measures(records).values()} == {1.0}


def test_losing_the_group_keeps_no_mates() -> None:
    records = [
        rec("2025-01", "a", "x", "A"),
        rec("2025-01", "b", "x", "A"),
        rec("2025-02", "a", "x", None),  # a has no group in February
        rec("2025-02", "b", "x", "A"),
    ]
    m = child_measures(records)
    assert m["a"].group_stability == 0.0
    assert m["b"].group_stability == 0.0  # its mate a is no longer in b's group


def test_pairs_across_a_break_in_enrollment_are_skipped() -> None:
    records = [
        rec("2025-01", "a", "x", "A"),
        rec("2025-01", "b", "x", "A"),
        rec("2025-03", "a", "x", "A"),
        rec("2025-03", "b", "x", "A"),
    ]
    assert child_measures(records)["a"].group_stability is None


# -- aggregates -------------------------------------------------------------------------------


def test_aggregate_median_totals_and_means() -> None:
    records = [
        *history("a", ["x"] * 12),  # runs [12]: 12 months, 0 changes, presence 1
        *history("b", ["x"] * 3 + ["y"] * 3),  # runs [3, 3]: 3 months, 1 change in 6 months
        *[  # c: runs [1, 1, 1]: 1 month, 2 changes in 3 months, presence 1/3
            rec("2025-01", "c", "x", overlap=FULL),
            rec("2025-02", "c", "y", overlap=0, reason="caregiver_left"),
            rec("2025-03", "c", "z", overlap=0),
        ],
    ]
    measures = child_measures(records)
    result = aggregate(measures.values())
    assert (result.children, result.child_months) == (3, 21)  # 12 + 6 + 3
    assert result.median_months_same_primary == 3.0  # median of 12, 3, 1
    # changes over child-years, not a mean of rates: (0 + 1 + 2) / (21 / 12) = 36 / 21
    assert result.changes_per_child_year == pytest.approx(36 / 21)
    assert result.primary_changes == 3
    assert result.changes_caregiver_left == 1
    assert result.caregiver_left_per_child_year == pytest.approx(12 / 21)
    # mean over children: (1 + 1 + 1/3) / 3 = 7/9
    assert result.presence == pytest.approx(7 / 9)
    # all three are in group "g": a's pairs Jan->Feb and Feb->Mar keep mates b and c (1),
    # Mar->Apr .. May->Jun keep b (1), later pairs have no mate (skipped); b and c likewise: 1
    assert result.group_stability == pytest.approx(1.0)


def test_the_median_of_an_even_number_of_children() -> None:
    records = [*history("a", ["x"] * 2), *history("b", ["x"] * 4, start="2026-01")]
    assert aggregate(child_measures(records).values()).median_months_same_primary == 3.0


def test_short_enrollments_do_not_weigh_more_than_long_ones() -> None:
    # one change in a child's single month after its first would be 12 changes a year;
    # pooled with a 22-month child without a change: 1 / ((2 + 22) / 12) = 0.5, not (12+0)/2
    records = [*history("a", ["x", "y"]), *history("b", ["x"] * 22)]
    m = child_measures(records)
    assert m["a"].changes_per_child_year == 6.0  # 1 / (2 / 12)
    assert aggregate(m.values()).changes_per_child_year == pytest.approx(0.5)


def test_empty_input() -> None:
    assert child_measures([]) == {}
    assert aggregate([]) == Aggregate(
        children=0,
        child_months=0,
        median_months_same_primary=None,
        changes_per_child_year=None,
        changes_caregiver_left=0,
        presence=None,
        group_stability=None,
        primary_changes=0,
    )
    assert aggregate([]).caregiver_left_per_child_year is None


def test_aggregate_leaves_children_without_a_value_out_of_the_means() -> None:
    measures = [
        ChildMeasures("a", 1, 0, 0, 0.0, [1], 1.0, presence=None, group_stability=None),
        ChildMeasures("b", 1, 0, 0, 0.0, [1], 1.0, presence=0.5, group_stability=0.25),
    ]
    result = aggregate(measures)
    assert (result.presence, result.group_stability) == (0.5, 0.25)
