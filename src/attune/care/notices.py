"""Notifications about daily care (attune.accounts.notify does the telling): a family's
care-plan proposal reaches the director and the child's primary caregiver; the decision
reaches the family, in their language."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from attune.accounts import notify
from attune.accounts.models import User
from attune.care.models import CarePlan
from attune.programs.notices import directors, family_users


def proposal_made(plan: CarePlan) -> None:
    child = plan.child
    staff = directors(child.program_id)
    primary = child.primary_caregiver
    if primary is not None and primary.user is not None:
        staff.append(primary.user)
    params = {"child": str(child), "version": plan.version}
    notify.notify(
        users=staff,
        kind=notify.Kind.CARE_PLAN_PROPOSED,
        title=lambda: _("%(child)s's family proposed a care-plan change") % params,
        body=lambda: _("Open the care plan to accept or decline version %(version)d.") % params,
        url=reverse("care_plan", args=[child.pk]),
        key=f"plan-proposed:{plan.pk}",
    )


def proposal_decided(plan: CarePlan, *, accepted: bool) -> None:
    child = plan.child
    params = {"child": child.display_first_name, "note": plan.decision_note}

    def title() -> str:
        if accepted:
            return _("Your care-plan change for %(child)s was accepted") % params
        return _("Your care-plan change for %(child)s was not accepted") % params

    def body() -> str:
        text = _("It is in effect now.") if accepted else _("The care plan stays as it was.")
        if plan.decision_note:
            text += " " + _("Note from the caregiver: %(note)s") % params
        return text

    users: list[User] = family_users(child)
    notify.notify(
        users=users,
        kind=notify.Kind.CARE_PLAN_DECIDED,
        title=title,
        body=body,
        url=reverse("care_plan", args=[child.pk]),
        key=f"plan-decided:{plan.pk}",
    )
