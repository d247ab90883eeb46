"""A person's endorsement standing: one set of facts (the endorsement declared or verified,
readiness for every level, the yearly renewal) and one way of saying them, `Standing.lines`,
which the person's page, the coordinator's page and the portfolio PDF all print as they are."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from attune.workforce import engine, services
from attune.workforce.models import LEVELS, EndorsementStatus, Profile


@dataclass(frozen=True)
class Standing:
    profile: Profile
    today: date
    status: str  # "none", "declared", "verified", "expired", "refused"
    results: list[engine.LevelResult]
    renewal: engine.RenewalResult | None
    lines: list[str] = field(default_factory=list)

    @property
    def qualifies(self) -> engine.LevelResult | None:
        return next((r for r in reversed(self.results) if r.ready), None)


def _day(value: date | None) -> str:
    return date_format(value, "DATE_FORMAT") if value else "—"


def status_of(profile: Profile, today: date) -> str:
    if not profile.endorsed_level:
        return "none"
    if profile.endorsement_status == EndorsementStatus.VERIFIED:
        return "verified" if profile.endorsement_in_effect(today) else "expired"
    if profile.endorsement_status == EndorsementStatus.REFUSED:
        return "refused"
    return "declared"


def endorsement_line(profile: Profile, status: str) -> str:
    level = str(dict(LEVELS).get(profile.endorsed_level, profile.endorsed_level))
    facts = {
        "level": level,
        "number": profile.endorsement_number or "—",
        "awarded": _day(profile.endorsed_on),
        "due": _day(profile.renewal_due),
        "who": (profile.verified_by.get_full_name() or str(profile.verified_by))
        if profile.verified_by
        else "—",
        "on": _day(profile.verified_on),
        "note": profile.verification_note or "—",
    }
    if status == "none":
        return _("Endorsement: none declared.")
    if status == "declared":
        return (
            _("Endorsement declared: %(level)s, awarded %(awarded)s; awaiting verification by "
              "the association, it gives no rights until then.") % facts
        )  # fmt: skip
    if status == "refused":
        return (
            _("Endorsement declared: %(level)s; not verified by the association: %(note)s") % facts
        )
    if status == "expired":
        return (
            _("Endorsement expired: %(level)s, no. %(number)s; its renewal was due %(due)s. It "
              "gives no rights until the association records the renewal.") % facts
        )  # fmt: skip
    return (
        _("Endorsement verified: %(level)s, no. %(number)s, awarded %(awarded)s, renewal due "
          "%(due)s; verified by %(who)s on %(on)s.") % facts
    )  # fmt: skip


def level_line(
    result: engine.LevelResult, profile: Profile, status: str, covered: frozenset[str]
) -> str:
    held = result.key == profile.endorsed_level
    if held and status == "verified":
        return _("Level %(key)s: held, verified by the association") % {"key": result.key}
    if status == "verified" and result.key in covered:
        return _("Level %(key)s: covered by the endorsement held (Level %(held)s)") % {
            "key": result.key,
            "held": profile.endorsed_level,
        }
    if result.ready:
        text = (
            _("Level %(key)s: ready to apply (the exam is step 7 of the application)")
            if result.exam
            else _("Level %(key)s: ready")
        ) % {"key": result.key}
    else:
        text = _("Level %(key)s: missing — %(what)s") % {
            "key": result.key,
            "what": result.missing_text(),
        }
    if held and status == "declared":
        text += " " + _("(declared, awaiting verification)")
    return text


def renewal_line(renewal: engine.RenewalResult) -> str:
    parts = []
    for line in renewal.lines:
        values = {"have": f"{line.have or 0:g}", "need": f"{line.need or 0:g}"}
        if "RS/C" in line.text:
            parts.append(_("%(have)s of %(need)s RS/C hours") % values)
        else:
            parts.append(_("%(have)s of %(need)s training hours") % values)
    facts = {"due": _day(renewal.due), "start": _day(renewal.year_start)}
    if not parts:
        return _("Renewal due %(due)s: nothing asked in hours.") % facts
    facts["hours"] = "; ".join(parts)
    if renewal.met:
        return _("Renewal due %(due)s: met (since %(start)s: %(hours)s).") % facts
    return _("Renewal due %(due)s: not yet met (since %(start)s: %(hours)s).") % facts


def standing(profile: Profile, today: date) -> Standing:
    status = status_of(profile, today)
    results = services.readiness(profile, today)
    renewal = services.renewal_status(profile, today) if status != "none" else None
    covered = frozenset(
        next(
            (lvl.get("covers", []) for lvl in engine.load_rules().levels
             if lvl["key"] == profile.endorsed_level),
            [],
        )
    )  # fmt: skip
    lines = [endorsement_line(profile, status)]
    lines += [level_line(r, profile, status, covered) for r in results]
    if renewal is not None:
        lines.append(renewal_line(renewal))
    return Standing(profile, today, status, results, renewal, lines)
