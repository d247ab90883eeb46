"""Notifications about program records (attune.accounts.notify does the telling): a change
of primary caregiver, told to the family with its reason (ahead of the change when it is
decided ahead: continuity of care asks that families hear before it happens), and to the two
caregivers."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from attune.accounts import notify
from attune.accounts.models import User
from attune.programs.models import Caregiver, Child


def family_users(child: Child) -> list[User]:
    return list(
        User.objects.filter(guardian__family_id=child.family_id, is_active=True).order_by("pk")
    )


def directors(program_id: int) -> list[User]:
    from attune.accounts.models import Membership

    return list(
        User.objects.filter(
            memberships__role=Membership.Role.DIRECTOR, memberships__program_id=program_id
        )
        .distinct()
        .order_by("pk")
    )


def primary_changed(
    *,
    child: Child,
    before: Caregiver | None,
    after: Caregiver | None,
    effective: date,
    reason: str = "",
) -> None:
    """Tell the family (and both caregivers) who will be the child's primary caregiver from
    `effective` on, and why. Callable ahead of the change (a plan accepted for a later day, the
    look-ahead); once per child, caregiver and day."""
    params = {
        "child": child.display_first_name,
        "before": str(before) if before else "—",
        "after": str(after) if after else "—",
    }

    def title() -> str:
        return _("%(child)s's primary caregiver: %(after)s") % params

    def body() -> str:
        when = date_format(effective, "DATE_FORMAT")
        text = _(
            "From %(when)s, %(after)s will be %(child)s's primary caregiver (until now: "
            "%(before)s)."
        ) % {**params, "when": when}
        why = reason.strip() or _("The program decided it when planning its groups.")
        return text + " " + _("Why: %(why)s") % {"why": why}

    key = f"primary:{child.pk}:{after.pk if after else 0}:{effective.isoformat()}"
    notify.notify(
        users=family_users(child),
        kind=notify.Kind.PRIMARY_CHANGE,
        title=title,
        body=body,
        url=reverse("child_detail", args=[child.pk]),
        key=key,
    )
    staff = [c.user for c in (before, after) if c is not None and c.user is not None]
    notify.notify(
        users=staff,
        kind=notify.Kind.PRIMARY_CHANGE,
        title=title,
        body=body,
        url=reverse("child_detail", args=[child.pk]),
        key=key,
    )
