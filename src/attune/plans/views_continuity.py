"""Continuity-of-care pages: a child's timeline, and the measures of a program, an
organization and a state (docs/continuity.md). Thin: access decides, attune.plans.history
measures, planner.chart draws.

State administrators see aggregates of whole programs only, and no figure computed over
fewer than MIN_CHILDREN children.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import get_format
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from attune.lib import access, audit, csvout, params
from attune.plans import history
from attune.plans.models import MonthlySnapshot
from attune.plans.templatetags.continuity import figure
from attune.programs import services as program_services
from attune.programs.models import Child, Jurisdiction, Organization, Program
from planner.chart import line_chart
from planner.continuity import Aggregate, aggregate

MONTHS = 12
MOST_CHANGES = 10


# -- the four measures -----------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    key: str
    name: str | Promise
    definition: str | Promise
    percent: bool
    decimals: int
    of: Callable[[Aggregate], float | None]

    @property
    def kind(self) -> str:
        """The `figure` filter's argument."""
        return "percent" if self.percent else str(self.decimals)


MEASURES: tuple[Measure, ...] = (
    Measure(
        "changes",
        gettext_lazy("Primary caregiver changes per child-year"),
        gettext_lazy("Changes of primary caregiver, per year of enrollment. Lower is better."),
        False,
        2,
        lambda a: a.changes_per_child_year,
    ),
    Measure(
        "months",
        gettext_lazy("Months with the same primary caregiver"),
        gettext_lazy(
            "How long children stay with one primary caregiver, in months: the median over "
            "children of each child's average stretch."
        ),
        False,
        1,
        lambda a: a.median_months_same_primary,
    ),
    Measure(
        "presence",
        gettext_lazy("Hours with the primary caregiver on shift"),
        gettext_lazy(
            "The share of the hours children attend during which their primary caregiver is "
            "working."
        ),
        True,
        0,
        lambda a: a.presence,
    ),
    Measure(
        "stability",
        gettext_lazy("Group-mates kept month to month"),
        gettext_lazy(
            "The share of a child's group-mates who are still in the child's group the next month."
        ),
        True,
        0,
        lambda a: a.group_stability,
    ),
)
BY_KEY = {m.key: m for m in MEASURES}


def _measure(request: HttpRequest) -> Measure:
    key = params.choice(request.GET, "measure", list(BY_KEY), default=MEASURES[0].key)
    return BY_KEY[key]


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


TREND_POINTS = 3  # months with a value before a line chart is drawn (issue 19)


def _chart(
    measure: Measure,
    lines: dict[str, list[tuple[str, float | None]]],
    *,
    title: str,
    chart_id: str,
) -> SafeString:
    # a trend needs points: with fewer months than this the page gives the numbers alone
    points = max((sum(1 for _m, v in line if v is not None) for line in lines.values()), default=0)
    if points < TREND_POINTS:
        return format_html(
            '<p class="muted">{}</p>',
            _("Too few months recorded yet to draw a trend: the figures are in the table below."),
        )
    svg = line_chart(
        lines,
        title=title,
        y_label=str(measure.name),
        percent=measure.percent,
        x_label=_("Month"),
        decimals=measure.decimals,
        width=720,
        height=340,
        decimal_mark=str(get_format("DECIMAL_SEPARATOR")),
        chart_id=chart_id,
    )
    return mark_safe(svg)  # noqa: S308 - planner.chart escapes every text it writes


def _lines(
    reports: Sequence[history.Report],
    measure: Measure,
    overall: str,
    parts: Sequence[tuple[Any, str]],
    part_of: Callable[[history.Report, Any], Aggregate | None],
) -> dict[str, list[tuple[str, float | None]]]:
    """One line for everyone and one per part (group or program), month by month."""
    months = [history.label(r.last) for r in reports]
    lines = {overall: [(m, measure.of(r.overall)) for m, r in zip(months, reports, strict=True)]}
    for key, name in parts:
        points = []
        for month, report in zip(months, reports, strict=True):
            part = part_of(report, key)
            points.append((month, measure.of(part) if part is not None else None))
        lines.setdefault(name, points)
    return lines


# -- a child's timeline ----------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    snapshot: MonthlySnapshot
    changes: list[str]
    first: bool  # the first month recorded
    after_break: bool  # the first month back after months without enrollment


def _timeline(snapshots: Sequence[MonthlySnapshot]) -> list[TimelineRow]:
    rows = []
    before: MonthlySnapshot | None = None
    for snapshot in snapshots:
        changes: list[str] = []
        after_break = before is not None and history.shift(before.month, 1) != snapshot.month
        if before is not None and not after_break:
            if (before.primary_id, before.primary_name) != (
                snapshot.primary_id,
                snapshot.primary_name,
            ):
                changes.append(
                    _("New primary caregiver: %(before)s → %(after)s")
                    % {
                        "before": before.primary_name or _("none"),
                        "after": snapshot.primary_name or _("none"),
                    }
                )
            if not history.same_group(before, snapshot):
                changes.append(
                    _("New group: %(before)s → %(after)s")
                    % {
                        "before": before.group_label or _("none"),
                        "after": snapshot.group_label or _("none"),
                    }
                )
            if before.attended_minutes != snapshot.attended_minutes:
                changes.append(
                    _("Hours a week: %(before)s → %(after)s")
                    % {
                        "before": _hours(before.attended_minutes),
                        "after": _hours(snapshot.attended_minutes),
                    }
                )
        rows.append(TimelineRow(snapshot, changes, before is None, after_break))
        before = snapshot
    return rows


def _hours(minutes: int) -> str:
    return figure(minutes / 60, "1")


@login_required
@require_GET
def child_timeline(request: HttpRequest, child_id: int) -> HttpResponse:
    viewer = access.viewer_for(request.user)
    granted = access.require_child(viewer, child_id, "child.view_full")
    child: Child = granted.obj
    if access.is_staff_view(granted.relations):
        program_services.view_child_record(actor=request.user, child=child)  # type: ignore[arg-type]
    snapshots = history.history_of(child)
    measures = history.child_measures_of(snapshots)
    rows = _timeline(snapshots)
    current = snapshots[-1] if snapshots else None
    since = None
    if current is not None and current.primary_name:
        since = current
        for row in reversed(rows[:-1]):
            s = row.snapshot
            if (s.primary_id, s.primary_name) != (current.primary_id, current.primary_name):
                break
            if history.shift(s.month, 1) != since.month:
                break
            since = s
    context = {
        "child": child,
        "program": child.program,
        "rows": list(reversed(rows)),  # the latest month first
        "current": current,
        "since": since,
        "measures": measures,
    }
    return render(request, "plans/child_timeline.html", context)


# -- a program -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildLine:
    child: Child
    row: history.ChildRow


def _children(report: history.Report) -> dict[int, Child]:
    ids = [row.child_id for row in report.children]
    return {c.pk: c for c in Child.objects.filter(pk__in=ids)}


@login_required
@require_GET
def program_continuity(request: HttpRequest, program_id: int) -> HttpResponse:
    granted = access.require_program(access.viewer_for(request.user), program_id, "program.manage")
    program: Program = granted.obj
    measure = _measure(request)
    reports = history.monthly_reports(program=program, months=MONTHS)
    report = reports[-1]
    groups = [(g.key, g.label or _("No group")) for g in report.groups]

    def group_of(r: history.Report, key: Any) -> Aggregate | None:
        return next((g.aggregate for g in r.groups if g.key == key), None)

    chart = _chart(
        measure,
        _lines(reports, measure, _("All children"), groups, group_of),
        title=_("%(measure)s, by group") % {"measure": measure.name},
        chart_id="continuity-chart",
    )
    context: dict[str, Any] = {
        "program": program,
        "measure": measure,
        "measures": MEASURES,
        "chart": chart,
    }
    if _htmx(request):
        return render(request, "plans/continuity_program.html#chart", context)
    children = _children(report)
    most = sorted(
        (r for r in report.children if r.measures.primary_changes > 0),
        key=lambda r: (
            -r.measures.primary_changes,
            -r.measures.changes_per_child_year,
            str(children[r.child_id]),
        ),
    )[:MOST_CHANGES]
    context.update(
        {
            "report": report,
            "overall": report.overall,
            "figures": [(m, m.of(report.overall)) for m in MEASURES],
            "groups": [(g, [(m, m.of(g.aggregate)) for m in MEASURES]) for g in report.groups],
            "most_changes": [ChildLine(children[r.child_id], r) for r in most],
            "months": [
                (r.last, [(m, m.of(r.overall)) for m in MEASURES], r.overall) for r in reports
            ],
        }
    )
    return render(request, "plans/continuity_program.html", context)


def _number(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _csv_response(rows: Iterable[Sequence[Any]], filename: str) -> HttpResponse:
    return csvout.response(rows, filename)


PROGRAM_CSV_HEADER = (
    "child_id", "first_name", "last_name", "group", "months_enrolled", "primary_changes",
    "changes_caregiver_left", "changes_per_child_year", "months_same_primary", "presence",
    "group_stability",
)  # fmt: skip


@login_required
@require_GET
def program_continuity_csv(request: HttpRequest, program_id: int) -> HttpResponse:
    granted = access.require_program(access.viewer_for(request.user), program_id, "program.manage")
    program: Program = granted.obj
    report = history.measures_for(program=program, months=MONTHS)
    children = _children(report)
    rows: list[Sequence[Any]] = [PROGRAM_CSV_HEADER]
    for row in sorted(report.children, key=lambda r: str(children[r.child_id])):
        child, m = children[row.child_id], row.measures
        rows.append(
            [
                child.pk,
                child.first_name,
                child.last_name,
                row.group_label,
                m.months,
                m.primary_changes,
                m.changes_caregiver_left,
                _number(m.changes_per_child_year),
                _number(m.months_same_primary),
                _number(m.presence),
                _number(m.group_stability),
            ]
        )
    slug = slugify(program.name) or f"program-{program.pk}"
    audit.log_export(request, program, "continuity.csv")
    return _csv_response(rows, f"{slug}-continuity-{history.label(report.last)}.csv")


# -- an organization -------------------------------------------------------------------------


def _program_table(
    programs: Sequence[Program], report: history.Report, *, suppress: bool
) -> list[dict[str, Any]]:
    rows = []
    for program in programs:
        figures = report.programs.get(program.pk) or aggregate([])
        hidden = suppress and figures.children < history.MIN_CHILDREN
        rows.append(
            {
                "program": program,
                "aggregate": None if hidden else figures,
                "figures": [] if hidden else [(m, m.of(figures)) for m in MEASURES],
            }
        )
    return rows


@login_required
@require_GET
def organization_continuity(request: HttpRequest, organization_id: int) -> HttpResponse:
    granted = access.require_organization(
        access.viewer_for(request.user), organization_id, "organization.view"
    )
    organization: Organization = granted.obj
    programs = history.programs_of(organization=organization)
    measure = _measure(request)
    reports = history.monthly_reports(organization=organization, months=MONTHS)
    report = reports[-1]
    chart = _chart(
        measure,
        _lines(
            reports,
            measure,
            _("All programs"),
            [(p.pk, p.name) for p in programs],
            lambda r, pk: r.programs.get(pk),
        ),
        title=_("%(measure)s, by program") % {"measure": measure.name},
        chart_id="continuity-chart",
    )
    context: dict[str, Any] = {
        "organization": organization,
        "measure": measure,
        "measures": MEASURES,
        "chart": chart,
    }
    if _htmx(request):
        return render(request, "plans/continuity_organization.html#chart", context)
    context.update(
        {
            "report": report,
            "rows": _program_table(programs, report, suppress=False),
            "overall": report.overall,
            "overall_figures": [(m, m.of(report.overall)) for m in MEASURES],
        }
    )
    return render(request, "plans/continuity_organization.html", context)


# -- a state ---------------------------------------------------------------------------------


def _state(request: HttpRequest) -> tuple[list[Program], history.Report] | None:
    viewer = access.viewer_for(request.user)
    if not viewer.state_jurisdiction_ids:
        return None
    jurisdictions = Jurisdiction.objects.filter(pk__in=viewer.state_jurisdiction_ids)
    programs: list[Program] = []
    children: list[history.ChildRow] = []
    by_program: dict[int, Aggregate] = {}
    first = last = None
    for jurisdiction in jurisdictions.order_by("name"):
        found = history.measures_for(jurisdiction=jurisdiction, months=MONTHS)
        programs += list(
            Program.objects.filter(jurisdiction=jurisdiction)
            .select_related("organization", "jurisdiction")
            .order_by("name", "pk")
        )
        children += found.children
        by_program.update(found.programs)
        first, last = found.first, found.last
    assert first is not None and last is not None
    shown = {pk for pk, a in by_program.items() if a.children >= history.MIN_CHILDREN}
    overall = aggregate(r.measures for r in children if r.program_id in shown)
    return programs, history.Report(first=first, last=last, overall=overall, programs=by_program)


@login_required
@require_GET
def state_continuity(request: HttpRequest) -> HttpResponse:
    found = _state(request)
    if found is None:
        return render(request, "programs/no_role.html", status=403)
    programs, report = found
    rows = _program_table(programs, report, suppress=True)
    overall = report.overall if report.overall.children >= history.MIN_CHILDREN else None
    context = {
        "report": report,
        "rows": rows,
        "overall": overall,
        "overall_figures": [(m, m.of(overall)) for m in MEASURES] if overall else [],
        "measures": MEASURES,
        "min_children": history.MIN_CHILDREN,
    }
    return render(request, "plans/continuity_state.html", context)


STATE_CSV_HEADER = (
    "program_id", "program", "organization", "jurisdiction", "children", "child_months",
    "median_months_same_primary", "changes_per_child_year",
    "changes_caregiver_left_per_child_year", "presence", "group_stability", "note",
)  # fmt: skip


@login_required
@require_GET
def state_continuity_csv(request: HttpRequest) -> HttpResponse:
    found = _state(request)
    if found is None:
        return render(request, "programs/no_role.html", status=403)
    programs, report = found
    rows: list[Sequence[Any]] = [STATE_CSV_HEADER]
    for line in _program_table(programs, report, suppress=True):
        program: Program = line["program"]
        head = [program.pk, program.name, program.organization.name, program.jurisdiction.name]
        a: Aggregate | None = line["aggregate"]
        if a is None:
            note = _("fewer than %(n)d children") % {"n": history.MIN_CHILDREN}
            rows.append([*head, "", "", "", "", "", "", "", note])
            continue
        rows.append(
            [
                *head,
                a.children,
                a.child_months,
                _number(a.median_months_same_primary),
                _number(a.changes_per_child_year),
                _number(a.caregiver_left_per_child_year),
                _number(a.presence),
                _number(a.group_stability),
                "",
            ]
        )
    return _csv_response(rows, f"continuity-programs-{history.label(report.last)}.csv")
