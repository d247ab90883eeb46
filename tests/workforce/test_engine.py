"""The endorsement readiness engine at each level's boundaries (no database)."""

from __future__ import annotations

from datetime import date, timedelta

from attune.workforce.engine import (
    Degree,
    Evidence,
    Rsc,
    Training,
    Work,
    assess,
    experience_days,
    qualifies_for,
    rsc_hours,
)

TODAY = date(2026, 12, 4)
T30 = [Training(date(2021, 1, 10), 30)]  # the training hours every level asks for


def level(ev: Evidence, key: str, today: date = TODAY):  # type: ignore[no-untyped-def]
    return next(r for r in assess(ev, today=today) if r.key == key)


def hours(n: float, day: date = date(2026, 6, 1)) -> list[Rsc]:
    return [Rsc(day, int(n * 60))]


# -- level I: two years of paid infant/early-childhood work, or a CDA or associate degree --


def test_level_one_exactly_two_years_of_paid_work() -> None:
    two_years = Work(date(2021, 3, 1), date(2023, 2, 28), "infant_ec")  # 730 days
    assert level(Evidence(training=T30, work=[two_years]), "I").ready
    one_day_short = Work(date(2021, 3, 1), date(2023, 2, 27), "infant_ec")
    result = level(Evidence(training=T30, work=[one_day_short]), "I")
    assert not result.ready
    unpaid = Work(date(2020, 1, 1), date(2023, 1, 1), "infant_ec", paid=False)
    assert not level(Evidence(training=T30, work=[unpaid]), "I").ready


def test_level_one_by_cda_or_associate_degree() -> None:
    assert level(Evidence(training=T30, degrees=[Degree("cda", date(2025, 5, 1))]), "I").ready
    assert level(Evidence(training=T30, degrees=[Degree("associate", date(2025, 5, 1))]), "I").ready
    future = Degree("cda", TODAY + timedelta(days=10))
    assert not level(Evidence(training=T30, degrees=[future]), "I").ready


def test_overlapping_experience_is_not_counted_twice() -> None:
    a = Work(date(2023, 1, 1), date(2023, 12, 31), "infant_ec")
    b = Work(date(2023, 6, 1), date(2024, 5, 31), "infant_ec")  # overlaps a by 7 months
    days, used, _ongoing = experience_days([a, b], today=TODAY, focus="infant_ec")
    assert days == (date(2024, 5, 31) - date(2023, 1, 1)).days + 1
    assert len(used) == 2
    assert not level(Evidence(training=T30, work=[a, b]), "I").ready  # 17 months, not 24


def test_the_caregiver_of_the_acceptance_example() -> None:
    ev = Evidence(
        training=T30,
        degrees=[Degree("cda", date(2024, 6, 1))],
        work=[Work(date(2024, 9, 1), None, "imh", label="Infant room, Maple Street")],
        rsc=hours(6),
    )
    results = assess(ev, today=date(2026, 9, 1))
    assert level(ev, "I", date(2026, 9, 1)).summary() == "Level I: ready"
    two = next(r for r in results if r.key == "II")
    assert two.summary().startswith(
        "Level II: missing — bachelor's degree; 24 RS/C hours (6 logged)"
    )
    assert qualifies_for(results).key == "I"  # type: ignore[union-attr]


# -- level II: bachelor's + 2 years paid post-bachelor's IMH work + 24 RS/C hours -----------


def test_experience_before_the_degree_is_not_post_degree() -> None:
    degree = Degree("bachelor", date(2024, 5, 15))
    before = Work(date(2020, 1, 1), date(2024, 5, 15), "imh")  # all before the degree
    ev = Evidence(training=T30, degrees=[degree], work=[before], rsc=hours(30))
    result = level(ev, "II")
    assert not result.ready
    assert [line.text for line in result.missing] == [
        "2 years of paid post-bachelor's work promoting infant mental health"
    ]
    after = Work(date(2020, 1, 1), None, "imh")  # the same job, still going
    then = date(2025, 12, 1)
    early = hours(30, date(2025, 1, 1))
    ongoing = level(Evidence(training=T30, degrees=[degree], work=[after], rsc=early), "II", then)
    # counted from the day after the degree: 16 May 2024, 730 days inclusive
    assert not ongoing.ready
    assert ongoing.earliest == date(2024, 5, 16) + timedelta(days=729)
    day_before = ongoing.earliest - timedelta(days=1)
    assert not level(
        Evidence(training=T30, degrees=[degree], work=[after], rsc=early), "II", day_before
    ).ready
    at_boundary = level(
        Evidence(training=T30, degrees=[degree], work=[after], rsc=early), "II", ongoing.earliest
    )
    assert at_boundary.ready  # exactly two years after the degree


def test_rsc_hours_split_across_windows() -> None:
    sessions = [Rsc(date(2025, 1, 10), 90), Rsc(date(2025, 11, 3), 120), Rsc(date(2026, 2, 2), 60)]
    assert rsc_hours(sessions) == 4.5
    assert rsc_hours(sessions, start=date(2025, 6, 1), end=date(2026, 1, 31)) == 2.0
    assert rsc_hours(sessions, start=date(2026, 1, 1)) == 1.0
    degree = Degree("bachelor", date(2018, 6, 1))
    job = Work(date(2018, 7, 1), None, "imh")
    split = [Rsc(date(2025, 3, 1), 12 * 60), Rsc(date(2026, 3, 1), 12 * 60)]  # 24 h over two years
    assert level(Evidence(training=T30, degrees=[degree], work=[job], rsc=split), "II").ready
    short = [Rsc(date(2025, 3, 1), 12 * 60), Rsc(date(2026, 3, 1), 12 * 60 - 1)]
    result = level(Evidence(training=T30, degrees=[degree], work=[job], rsc=short), "II")
    assert not result.ready and result.missing[0].text == "24 RS/C hours"
    # at the last year's pace (about 12 h a year) the last minute comes within a few days
    assert result.earliest is not None and result.earliest <= TODAY + timedelta(days=2)


# -- level III: master's + 2 years post-graduate supervised IMH services + 50 h (the exam is a
# step of the application, not a condition of readiness) ----------------------------------


def test_level_three_boundaries() -> None:
    master = Degree("master", date(2020, 5, 1))
    services = Work(date(2020, 6, 1), None, "imh_services", supervised=True)
    ev = Evidence(training=T30, degrees=[master], work=[services], rsc=hours(50))
    assert level(ev, "III").ready and level(ev, "III").exam
    unsupervised = Work(date(2020, 6, 1), None, "imh_services", supervised=False)
    assert not level(Evidence(training=T30, degrees=[master], work=[unsupervised],
                              rsc=hours(50)), "III").ready  # fmt: skip
    assert not level(Evidence(training=T30, degrees=[master], work=[services],
                              rsc=hours(49.9)), "III").ready  # fmt: skip
    bachelor_only = Evidence(training=T30, degrees=[Degree("bachelor", date(2020, 5, 1))],
                             work=[services], rsc=hours(50))  # fmt: skip
    assert not level(bachelor_only, "III").ready


# -- level IV: three categories --------------------------------------------------------------


def test_level_four_categories() -> None:
    master = Degree("master", date(2015, 5, 1))
    base = dict(degrees=[master], rsc=hours(50))
    clinical = Evidence(training=T30, **base, work=[  # type: ignore[arg-type]
        Work(date(2015, 6, 1), date(2019, 5, 31), "imh_services", supervised=True),
        Work(date(2019, 6, 1), None, "rsc_provision"),
    ])  # fmt: skip
    assert level(clinical, "IV-clinical").ready
    assert qualifies_for(assess(clinical, today=TODAY)).key == "IV-clinical"  # type: ignore[union-attr]
    short = Evidence(
        training=T30, **base, work=[Work(date(2016, 1, 1), date(2018, 12, 29), "policy")]
    )  # type: ignore[arg-type]
    assert not level(short, "IV-policy").ready  # 1,094 days
    three = Evidence(
        training=T30, **base, work=[Work(date(2016, 1, 1), date(2018, 12, 30), "policy")]
    )  # type: ignore[arg-type]
    assert level(three, "IV-policy").ready  # 1,095 days = 3 × 365
    assert not level(three, "IV-clinical").ready
    research = Evidence(
        training=T30, **base, work=[Work(date(2017, 1, 1), date(2020, 1, 1), "research_faculty")]
    )  # type: ignore[arg-type]
    assert level(research, "IV-research").ready
    assert not level(research, "IV-clinical").ready
