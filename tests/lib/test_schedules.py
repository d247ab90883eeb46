from datetime import time

import pytest

from attune.lib import schedules
from attune.lib.schedules import ScheduleError


def test_parse_runs_of_days_and_several_spans() -> None:
    parsed = schedules.parse_text("mon-wed 08:00-12:00 13:00-16:30; fri 7:30-15:00")
    assert parsed == {
        "mon": [["08:00", "12:00"], ["13:00", "16:30"]],
        "tue": [["08:00", "12:00"], ["13:00", "16:30"]],
        "wed": [["08:00", "12:00"], ["13:00", "16:30"]],
        "fri": [["07:30", "15:00"]],
    }


def test_text_round_trip_joins_consecutive_days() -> None:
    text = "mon-fri 08:00-16:30; sat 09:00-12:00"
    assert schedules.to_text(schedules.parse_text(text)) == text
    assert schedules.to_text(schedules.parse_text("mon,wed,fri 08:00-12:30")) == (
        "mon 08:00-12:30; wed 08:00-12:30; fri 08:00-12:30"
    )


def test_day_names_in_english_and_spanish() -> None:
    assert schedules.parse_text("Monday 08:00-09:00") == schedules.parse_text("lun 08:00-09:00")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("mon 16:30-08:00", "is not after the start"),
        ("mon 08:00-12:00 11:00-13:00", "overlap"),
        ("mnday 08:00-12:00", "is not a day"),
        ("mon 25:00-26:00", "is not a time"),
        ("mon 8-12", "is not a time"),
        ("mon", "needs days and times"),
        ("fri-mon 08:00-12:00", "runs backwards"),
    ],
)
def test_bad_schedules_say_what_is_wrong(text: str, fragment: str) -> None:
    with pytest.raises(ScheduleError, match=fragment):
        schedules.parse_text(text)


def test_validate_json_form() -> None:
    assert schedules.validate({"wed": [["08:00", "12:00"]], "mon": [["07:00", "09:00"]]}) == {
        "mon": [["07:00", "09:00"]],
        "wed": [["08:00", "12:00"]],
    }
    with pytest.raises(ScheduleError):
        schedules.validate({"mon": "08:00-12:00"})
    with pytest.raises(ScheduleError):
        schedules.validate(["mon"])


def test_presence_and_hours() -> None:
    schedule = schedules.parse_text("mon-fri 08:00-16:30")
    assert schedules.is_present(schedule, "mon", time(8, 0))
    assert not schedules.is_present(schedule, "mon", time(16, 30))
    assert not schedules.is_present(schedule, "sat", time(9, 0))
    assert schedules.minutes_per_week(schedule) == 5 * 510


def test_outside_hours() -> None:
    days = ["mon", "tue", "wed", "thu", "fri"]
    ok = schedules.parse_text("mon-fri 07:00-18:00")
    assert schedules.outside_hours(ok, opens=time(7), closes=time(18), open_days=days) is None
    early = schedules.parse_text("mon 06:30-12:00")
    assert "outside" in (
        schedules.outside_hours(early, opens=time(7), closes=time(18), open_days=days) or ""
    )
    saturday = schedules.parse_text("sat 08:00-12:00")
    assert "closed" in (
        schedules.outside_hours(saturday, opens=time(7), closes=time(18), open_days=days) or ""
    )


def test_pages_show_the_readers_day_codes_and_read_them_back() -> None:
    from django.utils import translation

    schedule = schedules.parse_text("mon-fri 08:00-16:30; sat 09:00-12:00")
    with translation.override("es"):
        shown = schedules.display(schedule)
        assert shown == "lun-vie 08:00-16:30; sáb 09:00-12:00"
        assert schedules.parse_text(shown) == schedule
    with translation.override("en"):
        assert schedules.display(schedule) == "mon-fri 08:00-16:30; sat 09:00-12:00"
    # files keep the English codes whatever the reader's language
    with translation.override("es"):
        assert schedules.to_text(schedule) == "mon-fri 08:00-16:30; sat 09:00-12:00"
