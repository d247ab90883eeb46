"""Readiness that agrees with the endorsement's own rules (issue 20, finding 3), in the pure
engine: the exam is a step of the application, not a condition of readiness (Levels III and
IV were never ready); every level asks for training hours (Level I was ready with none);
edge cases exactly at the hour thresholds and with hours dated in the future; the yearly
renewal's training and RS/C hours."""

from __future__ import annotations

from datetime import date, timedelta

from attune.workforce.engine import (
    Degree,
    Evidence,
    Rsc,
    Training,
    Work,
    assess,
    load_rules,
    renewal,
)

TODAY = date(2026, 12, 4)
MASTER = Degree("master", date(2015, 5, 1))
SERVICES = Work(date(2015, 6, 1), None, "imh_services", supervised=True)


def level(ev: Evidence, key: str, today: date = TODAY):  # type: ignore[no-untyped-def]
    return next(r for r in assess(ev, today=today) if r.key == key)


def trained(hours: float, day: date = date(2026, 3, 1)) -> list[Training]:
    return [Training(day, hours)]


def test_levels_three_and_four_are_ready_with_no_exam_on_record() -> None:
    ev = Evidence(degrees=[MASTER], work=[SERVICES], rsc=[Rsc(date(2026, 1, 5), 50 * 60)],
                  training=trained(30))  # fmt: skip
    three = level(ev, "III")
    assert three.ready and three.summary() == "Level III: ready"
    assert three.exam  # the exam is taken as a step of the application
    assert all("exam" not in line.text for line in three.lines)
    clinical = Evidence(
        degrees=[MASTER], rsc=[Rsc(date(2026, 1, 5), 50 * 60)], training=trained(30),
        work=[Work(date(2015, 6, 1), date(2019, 5, 31), "imh_services", supervised=True),
              Work(date(2019, 6, 1), None, "rsc_provision")],
    )  # fmt: skip
    assert level(clinical, "IV-clinical").ready
    assert not level(Evidence(degrees=[MASTER], work=[SERVICES], training=trained(30)), "I").exam


def test_every_level_asks_for_training_hours_exactly_at_the_threshold() -> None:
    cda = [Degree("cda", date(2024, 6, 1))]
    none = level(Evidence(degrees=cda), "I")
    assert not none.ready
    assert [line.shown for line in none.missing] == ["30 training hours (0 hours)"]
    assert level(Evidence(degrees=cda, training=trained(30)), "I").ready
    short = level(Evidence(degrees=cda, training=trained(29.75)), "I")
    assert not short.ready and short.missing[0].evidence == "29.75 hours"
    # hours dated after today are not counted yet
    future = [Training(TODAY + timedelta(days=1), 30)]
    assert not level(Evidence(degrees=cda, training=future), "I").ready
    assert level(Evidence(degrees=cda, training=future), "I", TODAY + timedelta(days=1)).ready


def test_rsc_hours_exactly_at_the_threshold_and_in_the_future() -> None:
    bachelor = Degree("bachelor", date(2018, 6, 1))
    job = Work(date(2018, 7, 1), None, "imh")
    exactly = [Rsc(date(2026, 3, 1), 24 * 60)]
    assert level(Evidence(degrees=[bachelor], work=[job], rsc=exactly, training=trained(30)),
                 "II").ready  # fmt: skip
    ahead = [Rsc(date(2026, 3, 1), 23 * 60), Rsc(TODAY + timedelta(days=3), 60)]
    result = level(Evidence(degrees=[bachelor], work=[job], rsc=ahead, training=trained(30)), "II")
    assert not result.ready and result.missing[0].shown == "24 RS/C hours (23 logged)"
    fifty = [Rsc(date(2026, 3, 1), 50 * 60)]
    assert level(Evidence(degrees=[MASTER], work=[SERVICES], rsc=fifty, training=trained(30)),
                 "III").ready  # fmt: skip
    short = [Rsc(date(2026, 3, 1), 50 * 60 - 1)]
    assert not level(Evidence(degrees=[MASTER], work=[SERVICES], rsc=short,
                              training=trained(30)), "III").ready  # fmt: skip


def test_the_states_training_hours_replace_the_default() -> None:
    cda = [Degree("cda", date(2024, 6, 1))]
    extra = {"I": [{"kind": "training_hours", "hours": 20}]}
    result = next(r for r in assess(Evidence(degrees=cda, training=trained(20)), today=TODAY,
                                     extra=extra) if r.key == "I")  # fmt: skip
    assert result.ready
    assert [line.text for line in result.lines] == ["Child Development Associate credential (CDA)",
                                                    "20 training hours"]  # fmt: skip


def test_the_yearly_renewal_counts_the_renewal_year_only() -> None:
    due = date(2027, 3, 1)
    ev = Evidence(
        training=[Training(date(2026, 3, 1), 40),  # the previous year's (on its last day)
                  Training(date(2026, 3, 2), 10), Training(date(2026, 11, 1), 5),
                  Training(TODAY + timedelta(days=10), 8)],  # not yet
        rsc=[Rsc(date(2026, 6, 1), 11 * 60), Rsc(date(2026, 12, 1), 60)],
    )  # fmt: skip
    result = renewal(ev, level="II", due=due, today=TODAY)
    assert result.year_start == date(2026, 3, 2)
    assert [(line.text, line.evidence, line.met) for line in result.lines] == [
        ("15 training hours this renewal year", "15 so far", True),
        ("12 RS/C hours this renewal year", "12 so far", True),
    ]
    assert result.met
    one = renewal(ev, level="I", due=due, today=TODAY)
    assert [line.text for line in one.lines] == ["15 training hours this renewal year"]
    stricter = renewal(ev, level="II", due=due, today=TODAY, extra={"training_hours": 20})
    assert not stricter.met and stricter.lines[0].shown == (
        "20 training hours this renewal year (15 so far)"
    )


def test_the_rules_name_their_sources() -> None:
    rules = load_rules()
    assert "MI-AIMH" in rules.source and "seed 003" in rules.source
    for lvl in rules.levels:
        assert lvl["renewal"]["training_hours"] == 15
        kinds = {c["kind"] for option in lvl["any_of"] for c in option}
        assert "exam" not in kinds and "training_hours" in kinds
    assert {lvl["key"] for lvl in rules.levels if lvl["exam"]} == {
        "III", "IV-clinical", "IV-policy", "IV-research"
    }  # fmt: skip
