"""Daily care's tasks on the queue: alerts for overdue nap checks (schedule
`nap-check-alerts`, every minute).

A sleeping child's visual check is due every `nap_check_minutes` (the program's setting;
safe sleep). The record page shows an overdue check to the group at once; this alert also
reaches the room's caregivers and the program's director who are not looking at it: one
NapCheckAlert row per nap and due time (so one alert per missed check, however many
workers or minutes pass), told through attune.accounts.notify: in the app and by email.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django_tasks import task

from attune.accounts import notify
from attune.accounts.models import Membership, User
from attune.care import day as care_day
from attune.care.models import CareEntry, NapCheckAlert
from attune.programs.models import Caregiver, Child

logger = logging.getLogger(__name__)


def _recipients(child: Child) -> list[User]:
    """The child's room's caregivers (with a sign-in) and the program's directors."""
    caregivers = (
        Caregiver.objects.filter(program_id=child.program_id, room_id=child.room_id).values(
            "user_id"
        )
        if child.room_id
        else Caregiver.objects.none().values("user_id")
    )
    directors = Membership.objects.filter(
        role=Membership.Role.DIRECTOR, program_id=child.program_id
    ).values("user_id")
    return list(User.objects.filter(Q(pk__in=caregivers) | Q(pk__in=directors)).order_by("pk"))


@task(queue_name="default")
def nap_check_alerts() -> int:
    """Alert about every nap whose check is overdue now; returns how many alerts were new."""
    now = timezone.now()
    open_naps = CareEntry.objects.filter(
        kind=CareEntry.Kind.NAP,
        until__isnull=True,
        withdrawn=False,
        corrects__isnull=True,
        at__gte=now - care_day.OPEN_NAP_LOOKBACK,
    ).values_list("child_id", flat=True)
    children = list(Child.objects.filter(pk__in=set(open_naps)).select_related("program", "room"))
    by_program: dict[int, list[Child]] = {}
    for child in children:
        by_program.setdefault(child.program_id, []).append(child)
    new = 0
    for group in by_program.values():
        today = now.astimezone(group[0].program.tz).date()
        for cd in care_day.days_for(group, today, now):
            if cd.nap is None or not cd.check_overdue:
                continue
            try:
                with transaction.atomic():
                    alert = NapCheckAlert.objects.create(
                        nap_id=cd.nap.entry.root_id,  # the nap as first recorded
                        due_at=cd.nap.next_check,
                    )
                    _email(cd.child, cd.nap.next_check, alert.pk)
            except IntegrityError:
                continue  # alerted already
            new += 1
    if new:
        logger.info("nap checks overdue: %d new alert(s)", new)
    return new


def _email(child: Child, due: datetime, alert_id: int) -> None:
    """Tell them in the app (urgent) and by email, each in their own language."""
    params = {"child": child.display_first_name, "room": child.room.name if child.room else "—"}

    def body() -> str:
        due_text = time_format(timezone.localtime(due, child.program.tz), "TIME_FORMAT")
        return _(
            "%(child)s (%(room)s) has been asleep and the visual check was due at %(due)s. "
            "Please check on %(child)s now and record the check in Attune."
        ) % {**params, "due": due_text}

    notify.notify(
        users=_recipients(child),
        kind=notify.Kind.NAP_CHECK,
        title=lambda: _("Nap check overdue: %(child)s") % params,
        body=body,
        url=reverse("care_record", args=[child.program_id]) + f"#child-{child.pk}",
        urgent=True,
        key=f"nap-check:{alert_id}",
    )
