"""Template filters for program records: languages, schedules and ages, in the reader's language."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attune.lib import access, languages, schedules
from attune.lib.audit import Change, action_label, describe_changes
from attune.programs.models import Program

register = template.Library()


@register.filter
def language_name(code: str) -> str:
    return languages.name(code)


@register.filter
def language_names(codes: list[str]) -> str:
    return languages.names(codes) if codes else "—"


@register.filter
def schedule_text(schedule: dict[str, list[list[str]]]) -> str:
    return schedules.display(schedule) if schedule else "—"


@register.filter
def hours_per_week(schedule: dict[str, list[list[str]]]) -> str:
    minutes = schedules.minutes_per_week(schedule or {})
    hours = minutes / 60
    return f"{hours:.1f}".rstrip("0").rstrip(".")


@register.simple_tag
def age(birth_date: date, on: date) -> str:
    """'7 weeks', '5 months', '2 years 3 months': how caregivers talk about young children."""
    days = (on - birth_date).days
    if days < 0:
        return _("not born yet")
    if days < 12 * 7:
        weeks = days // 7
        return ngettext("%(n)d week", "%(n)d weeks", weeks) % {"n": weeks}
    months = (on.year - birth_date.year) * 12 + on.month - birth_date.month
    if on.day < birth_date.day:
        months -= 1
    if months < 24:
        return ngettext("%(n)d month", "%(n)d months", months) % {"n": months}
    years, rest = divmod(months, 12)
    text = ngettext("%(n)d year", "%(n)d years", years) % {"n": years}
    if rest:
        # Translators: a child's age, e.g. "2 years 3 months"
        text = _("%(years)s %(months)s") % {
            "years": text,
            "months": ngettext("%(n)d month", "%(n)d months", rest) % {"n": rest},
        }
    return text


@register.filter
def day_spans(schedule: dict[str, list[list[str]]], day: str) -> str:
    spans = (schedule or {}).get(day, [])
    return ", ".join(f"{s}–{e}" for s, e in spans)


@register.filter
def audit_changes(entry: object) -> list[Change]:
    return describe_changes(entry)


@register.filter
def audit_action(entry: object) -> str:
    return action_label(entry)


@register.filter
def program_nav(program: object, viewer: object) -> list[access.NavItem]:
    """The program's sub-navigation for this person (attune.lib.access decides)."""
    if not isinstance(program, Program) or not isinstance(viewer, access.Viewer):
        return []
    return access.program_navigation(viewer, program)


@register.filter
def get_item(mapping: object, key: object) -> object:
    """mapping[key] in a template (None when absent)."""
    getter = getattr(mapping, "get", None)
    return getter(key) if callable(getter) else None


@register.filter
def hours(minutes: int) -> str:
    """Minutes as hours and minutes, e.g. 7:30."""
    minutes = int(minutes or 0)
    return f"{minutes // 60}:{minutes % 60:02d}"
