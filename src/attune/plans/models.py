"""Plan runs: what the planner was asked (problem JSON) and what it answered (plan JSON).

Written only by attune.plans.services. A run is a draft until a director accepts it; then the
children's groups and primary caregivers are updated through attune.programs.services.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from attune.programs.models import Program


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
