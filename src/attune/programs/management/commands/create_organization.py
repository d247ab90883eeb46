"""manage.py create_organization --name NAME --admin-email EMAIL [--base-url URL]

First run on a new installation: the organization and its first administrator, and a
one-time link (printed, and emailed) where the administrator chooses a password. From there
the administrator creates programs and rooms and invites everyone else in the browser."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from attune.accounts import invitations
from attune.accounts.models import Invitation, Membership, User
from attune.lib.audit import acting_as
from attune.programs import services
from attune.programs.models import Organization


class Command(BaseCommand):
    help = (
        "Create an organization and its first administrator; prints the one-time link where "
        "the administrator sets a password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="The organization's name.")
        parser.add_argument("--admin-email", required=True, help="The administrator's email.")
        parser.add_argument("--first-name", default="", help="The administrator's first name.")
        parser.add_argument("--last-name", default="", help="The administrator's last name.")
        parser.add_argument(
            "--base-url",
            default=None,
            help="The address people open Attune at (default: ATTUNE_BASE_URL).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = " ".join(options["name"].split())
        email = options["admin_email"].strip().lower()
        base_url = options["base_url"] or settings.ATTUNE_BASE_URL
        if not name or len(name) > 200:
            raise CommandError("The organization's name must have 1 to 200 characters.")
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an email address.") from error
        if Organization.objects.filter(name__iexact=name).exists():
            raise CommandError(f"An organization named {name!r} exists already; nothing changed.")
        if invitations.email_in_use(email):
            raise CommandError(f"{email} is already someone's sign-in; nothing changed.")
        with transaction.atomic():
            organization = services.create_organization(actor=None, name=name)
            admin = User(
                username=email,
                email=email,
                first_name=options["first_name"].strip(),
                last_name=options["last_name"].strip(),
            )
            admin.set_unusable_password()
            with acting_as(None):
                admin.save()
            services.grant_membership(
                actor=None,
                user=admin,
                role=Membership.Role.ORG_ADMIN,
                organization_id=organization.pk,
            )
            _invitation, raw = invitations.invite(
                actor=None,
                email=email,
                role=Invitation.Role.ORG_ADMIN,
                base_url=base_url,
                user=admin,
                organization=organization,
            )
        url = invitations.link(base_url, raw)
        self.stdout.write(f"Created the organization {name!r} and its administrator {email}.")
        self.stdout.write(
            f"The administrator sets a password here (once, within "
            f"{invitations.valid_days()} days; it was emailed too):"
        )
        self.stdout.write(url)
