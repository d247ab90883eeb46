"""Forms of the people pages (attune.programs.views_people)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from attune.accounts.models import Invitation
from attune.lib.text import LimitedForm
from attune.programs.forms import LanguagesField
from attune.programs.models import Guardian, Program

STAFF_ROLES = [
    (Invitation.Role.DIRECTOR, Invitation.Role.DIRECTOR.label),
    (Invitation.Role.CAREGIVER, Invitation.Role.CAREGIVER.label),
    (Invitation.Role.FLOATER, Invitation.Role.FLOATER.label),
    (Invitation.Role.SPECIALIST, _("T/TA specialist supporting the program")),
    (Invitation.Role.TRAINER, _("Trainer supporting the program")),
]


class InviteForm(LimitedForm, forms.Form):
    email = forms.EmailField(label=_("Email"))
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    # a role not offered (a director posting "org_admin") passes the form and is refused
    # by the service, with its message and an audit entry
    role = forms.CharField(label=_("Role"), max_length=16, widget=forms.Select)
    languages = LanguagesField(
        label=_("Languages they speak"),
        required=False,
        help_text=_("For a caregiver or floater (the planner matches children's languages)."),
    )
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.none(),
        required=False,
        help_text=_("Where the role is (not for an organization administrator)."),
    )

    def __init__(
        self, *args: Any, programs: QuerySet[Program], offer_admin: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        roles = list(STAFF_ROLES)
        if offer_admin:
            roles.insert(0, (Invitation.Role.ORG_ADMIN, Invitation.Role.ORG_ADMIN.label))
        self.fields["role"].widget.choices = roles
        program_field = self.fields["program"]
        assert isinstance(program_field, forms.ModelChoiceField)
        program_field.queryset = programs
        if programs.count() == 1:
            program_field.initial = programs.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if role and role not in Invitation.Role.values:
            self.add_error("role", _("Choose a role from the list."))
        elif role and role != Invitation.Role.ORG_ADMIN and not data.get("program"):
            self.add_error("program", _("Choose the program the role is in."))
        if role in (Invitation.Role.CAREGIVER, Invitation.Role.FLOATER) and not data.get(
            "languages"
        ):
            self.add_error("languages", _("Give at least one language for a caregiver."))
        return data


class InviteGuardianForm(LimitedForm, forms.Form):
    guardian = forms.ModelChoiceField(
        label=_("Guardian"),
        queryset=Guardian.objects.none(),
        required=False,
        empty_label=_("Someone new (give their name below)"),
    )
    email = forms.EmailField(label=_("Email"))
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    relationship = forms.ChoiceField(
        label=_("Relationship to the child"),
        choices=[("", "—"), *Guardian.Relationship.choices],
        required=False,
    )

    def __init__(self, *args: Any, guardians: QuerySet[Guardian], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["guardian"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = guardians

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("guardian"):
            for name in ("first_name", "last_name", "relationship"):
                if not data.get(name):
                    self.add_error(name, _("Needed for someone new."))
        return data
