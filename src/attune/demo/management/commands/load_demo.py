"""manage.py load_demo [--reset]: the demo organization and its sign-ins (one per role)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from attune.accounts.models import Membership, User
from attune.demo.organization import DEMO_ORGANIZATION, DEMO_USERS, DemoConflict, load_demo
from attune.lib.audit import acting_as
from attune.programs.models import (
    Caregiver,
    Child,
    Family,
    Organization,
    Program,
    Room,
    WaitlistEntry,
)

URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = (
        f"Load the demo organization “{DEMO_ORGANIZATION}” (two centers and a family child "
        "care home in Oregon) with one sign-in per role. Does nothing when it is already loaded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo organization's records and the demo sign-ins first, then load.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even when ATTUNE_ENV=production (the demo passwords are public).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError(
                "Refusing to load demo sign-ins with a published password into production; "
                "pass --allow-production if this really is a demo server."
            )
        if options["reset"]:
            removed = reset_demo()
            self.stdout.write(f"Removed the demo data ({removed}).")
        try:
            logins = load_demo(stdout=self.stdout)
        except DemoConflict as exc:
            raise CommandError(str(exc)) from None

        rows = [("Role", "Username", "Password", "Home page", "What they see")]
        rows += [(x.role, x.username, x.password, x.home_page, x.sees) for x in logins]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo sign-ins: open {URL} and sign in as"))
        for number, row in enumerate(rows):
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  " + "  ".join([*cells, row[4]]).rstrip())
            if number == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in [*widths, len(row[4])]))
        self.stdout.write("")


def reset_demo() -> str:
    """Delete the demo organization with everything under it, and the demo sign-ins.

    Models protect programs, families and caregivers from cascading deletes, so the rows go in
    dependency order. Deletions are audited as system actions. The jurisdiction (Oregon) stays:
    other organizations may use it.
    """
    counts: dict[str, int] = {}

    def delete(label: str, queryset: Any) -> None:
        _total, per_model = queryset.delete()  # also counts rows removed by cascades
        counts[label] = per_model.get(queryset.model._meta.label, 0)

    with transaction.atomic(), acting_as(None):
        organizations = Organization.objects.filter(name=DEMO_ORGANIZATION)
        programs = Program.objects.filter(organization__in=organizations)
        delete("children", Child.objects.filter(program__in=programs))
        delete("families", Family.objects.filter(organization__in=organizations))
        delete("caregivers", Caregiver.objects.filter(program__in=programs))
        delete("waitlist entries", WaitlistEntry.objects.filter(program__in=programs))
        delete("rooms", Room.objects.filter(program__in=programs))
        delete(
            "memberships",
            Membership.objects.filter(program__in=programs)
            | Membership.objects.filter(organization__in=organizations),
        )
        delete("programs", programs)
        delete("organizations", organizations)
        # Only the demo's own accounts: the username and the demo's e-mail address both match.
        from attune.demo.training import remove_training_demo

        counts["training records of people"] = remove_training_demo()
        users = User.objects.none()
        for spec in DEMO_USERS:
            users |= User.objects.filter(username=spec.username, email=spec.email)
        # the workforce demo's records (not sign-ins): the endorsed mentor and the RS/C sessions
        # she facilitated, the home visitor
        from attune.demo.workforce import RECORDS
        from attune.workforce.models import RscSession

        records = User.objects.none()
        for username, email, _first, _last in RECORDS:
            records |= User.objects.filter(username=username, email=email)
        delete("RS/C sessions", RscSession.objects.filter(facilitator__user__in=records))
        users |= records
        delete("sign-ins", users)
    return ", ".join(f"{n} {label}" for label, n in counts.items())
