"""The queue's records that Attune keeps beside django-tasks' own (django_tasks_db).

Job            a piece of long work a person started (a plan, a what-if, an import, an export),
               with its progress, its result or why it failed; what the job pages show.
WorkerBeat     each running worker's heartbeat: a task whose worker stopped beating is taken
               again by another worker (attune.jobs.worker).
ScheduleRun    one row per (schedule, period): the worker that inserts it runs the schedule
               for that period, so it runs once even with many workers.
SentEmail      one row per email message id: a message is handed to the mail server once,
               however often its task is tried.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from attune.lib import uploads


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("program"),
    )
    jurisdiction = models.ForeignKey(
        "programs.Jurisdiction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("state"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    language = models.CharField(_("language"), max_length=10, default="en")
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    task_path = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("queued task"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.FloatField(_("progress"), default=0.0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    file = models.FileField(_("file"), upload_to=uploads.RandomName("jobs"), blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    tries = models.PositiveIntegerField(_("tries"), default=0)
    retries = models.PositiveIntegerField(_("retried by hand"), default=0)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        indexes = [
            models.Index(fields=["program", "-created_at"]),
            models.Index(fields=["jurisdiction", "-created_at"]),
            models.Index(fields=["status", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED)

    @property
    def percent(self) -> int:
        return round(100 * max(0.0, min(1.0, self.progress)))


class WorkerBeat(models.Model):
    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=200, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"


class ScheduleRun(models.Model):
    schedule = models.CharField(max_length=80)
    period = models.CharField(max_length=40)
    task_id = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(auto_now_add=True)
    worker_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["schedule", "period"], name="schedule_once_per_period")
        ]
        indexes = [models.Index(fields=["schedule", "-claimed_at"])]

    def __str__(self) -> str:
        return f"{self.schedule} {self.period}"


class SentEmail(models.Model):
    class Status(models.TextChoices):
        SENDING = "sending", _("Being handed to the mail server")
        SENT = "sent", _("Sent")
        UNCERTAIN = "uncertain", _("Interrupted while sending; not sent again")

    message_id = models.CharField(max_length=255, unique=True)
    recipients = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.message_id
