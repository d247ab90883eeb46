"""Plan runs: what the planner was asked (problem JSON) and what it answered (plan JSON); and
the monthly snapshots of each child's arrangement that continuity of care is measured on.

Runs are written only by attune.plans.services, snapshots by attune.plans.history. A run is a
draft until a director accepts it; then the children's groups and primary caregivers are
updated through attune.programs.services.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from attune.programs.models import Caregiver, CareGroup, Child, Program


class PlanRun(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACCEPTED = "accepted", _("In effect")
        SUPERSEDED = "superseded", _("Replaced by a later plan")
        DISCARDED = "discarded", _("Discarded")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="plan_runs", verbose_name=_("program")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planned by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    as_of = models.DateField(_("planned for"))
    problem = models.JSONField(_("problem"))
    plan = models.JSONField(_("plan"))
    status = models.CharField(_("planner status"), max_length=20)
    objective = models.IntegerField(_("cost"), null=True, blank=True)
    bound = models.IntegerField(_("lowest possible cost"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    edited = models.BooleanField(_("edited by hand"), default=False)
    job = models.OneToOneField(
        "jobs.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_run",
        verbose_name=_("job"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        indexes = [models.Index(fields=["program", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.program} {self.as_of}"

    @property
    def solved(self) -> bool:
        return self.status in ("optimal", "feasible")

    @property
    def explanation(self) -> list[str]:
        value: Any = self.plan.get("explanation", [])
        return [str(line) for line in value] if isinstance(value, list) else []


class MonthlySnapshot(models.Model):
    """One child's arrangement in one month: the history continuity is measured on.

    Written only by attune.plans.history (docs/continuity.md): the primary caregiver and the
    group on the first day of the month on which the child is enrolled, the weekly minutes,
    and why the arrangement changed since the child's previous month. Names are kept beside
    the links so the history survives a deleted caregiver or small group.
    """

    class Reason(models.TextChoices):
        NONE = "", _("No change")
        AGED = "aged", _("Grew into the next age group")
        CAREGIVER_LEFT = "caregiver_left", _("The primary caregiver left the program")
        SCHEDULE = "schedule", _("A schedule changed")
        FAMILY_REQUEST = "family_request", _("The family asked for it")
        PLAN = "plan", _("The director put a new plan of groups in effect")
        DIRECTOR = "director", _("The director changed it")

    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        related_name="monthly_snapshots",
        verbose_name=_("program"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="monthly_snapshots", verbose_name=_("child")
    )
    primary = models.ForeignKey(
        Caregiver,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("primary caregiver"),
    )
    primary_name = models.CharField(_("primary caregiver's name"), max_length=201, blank=True)
    care_group = models.ForeignKey(
        CareGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("small group"),
    )
    group_label = models.CharField(_("group"), max_length=100, blank=True)
    attended_minutes = models.PositiveIntegerField(_("weekly minutes attended"))
    overlap_minutes = models.PositiveIntegerField(_("weekly minutes with the primary caregiver"))
    reason = models.CharField(
        _("reason for the change"), max_length=20, choices=Reason.choices, blank=True, default=""
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        ordering = ["child", "month"]
        verbose_name = _("monthly snapshot")
        verbose_name_plural = _("monthly snapshots")
        constraints = [
            models.UniqueConstraint(fields=["child", "month"], name="snapshot_one_per_child_month")
        ]
        indexes = [models.Index(fields=["program", "month"])]

    def __str__(self) -> str:
        return f"{self.child_id} {self.month:%Y-%m}"

    def clean(self) -> None:
        if self.month and self.month.day != 1:
            raise ValidationError({"month": _("A month is stored as its first day.")})
        attended, overlap = self.attended_minutes, self.overlap_minutes
        if attended is not None and overlap is not None and overlap > attended:
            message = _("The primary caregiver cannot overlap more minutes than the child attends.")
            raise ValidationError({"overlap_minutes": message})


class WhatIfRun(models.Model):
    """A what-if a director asked (enroll a waitlisted child, a caregiver leaving or going
    part-time, the waitlist ranked by fit) and its answer, computed in the background.

    Written only by attune.plans.whatif. The answer (`result`) holds names and reason codes,
    never ids, so it reads the same after the records change; a what-if changes no record
    of a child, family or caregiver.
    """

    class Kind(models.TextChoices):
        ENROLL = "enroll", _("Enroll a waitlisted child")
        STAFFING = "staffing", _("A caregiver leaves or goes part-time")
        RANKING = "ranking", _("The waiting list ranked by fit")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Working")
        DONE = "done", _("Answered")
        FAILED = "failed", _("Failed")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="what_ifs", verbose_name=_("program")
    )
    kind = models.CharField(_("question"), max_length=16, choices=Kind.choices)
    parameters = models.JSONField(_("asked"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.CharField(_("progress"), max_length=200, blank=True)
    result = models.JSONField(_("answer"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    job = models.ForeignKey(
        "jobs.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("job"),
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("what-if")
        verbose_name_plural = _("what-ifs")
        indexes = [models.Index(fields=["program", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.program} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class PolicyWhatIf(models.Model):
    """A state administrator's question: every program of the state planned under its
    current rule set and under a proposed one (ratios and group sizes changed per age band,
    from a date). One task per program (attune.plans.policy); the answer fills in as they
    finish."""

    jurisdiction = models.ForeignKey(
        "programs.Jurisdiction",
        on_delete=models.CASCADE,
        related_name="policy_whatifs",
        verbose_name=_("state"),
    )
    title = models.CharField(_("title"), max_length=200)
    starts = models.DateField(_("from"))
    edits = models.JSONField(_("proposed changes"), default=dict)
    program_count = models.PositiveIntegerField(_("programs"), default=0)
    job = models.ForeignKey(
        "jobs.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("state-wide policy what-if")
        verbose_name_plural = _("state-wide policy what-ifs")

    def __str__(self) -> str:
        return self.title


class PolicyResult(models.Model):
    """One program's answer to a policy what-if: its measures under both rule sets."""

    policy = models.ForeignKey(PolicyWhatIf, on_delete=models.CASCADE, related_name="results")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    children = models.PositiveIntegerField(default=0)
    current = models.JSONField(default=dict)
    proposed = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    seconds = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "program"], name="policy_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.policy} — {self.program}"
