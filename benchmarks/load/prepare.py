"""Sign-ins for the load test, on the demo organization `load_demo` loaded.

Gives every caregiver of the demo (who has none) a sign-in, and every family's first
guardian, so that the simulated caregivers and families are different people looking at
different rooms and children, as in a real program. Prints the accounts as JSON.

    ATTUNE_ENV=production DATABASE_URL=... DJANGO_SECRET_KEY=... \\
        python benchmarks/load/prepare.py > accounts.json
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
PASSWORD = "attune-load-test"  # noqa: S105 (a throwaway demo database)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.settings")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password

    from attune.accounts.models import Membership, User
    from attune.programs import services
    from attune.programs.models import Caregiver, Guardian

    hashed = make_password(PASSWORD)  # once: hashing is the slow part
    caregivers, families = [], []
    for caregiver in Caregiver.objects.filter(room__isnull=False).order_by("pk"):
        if not caregiver.is_active(caregiver.program.today()):
            continue  # a leaver (or someone not started yet) has no access: not a user here
        if caregiver.user_id is None:
            user = User.objects.create(username=f"load-cg-{caregiver.pk}", password=hashed)
            services.link_caregiver_user(actor=None, caregiver=caregiver, user=user)
        caregivers.append({"username": caregiver.user.username, "program": caregiver.program_id})
    for guardian in Guardian.objects.filter(is_primary_contact=True).order_by("pk"):
        if not guardian.family.children.exists():
            continue
        if guardian.user_id is None:
            user = User.objects.create(username=f"load-family-{guardian.pk}", password=hashed)
            services.link_guardian_user(actor=None, guardian=guardian, user=user)
        families.append({"username": guardian.user.username})
    directors = [
        {"username": m.user.username, "program": m.program_id}
        for m in Membership.objects.filter(role=Membership.Role.DIRECTOR).select_related("user")
    ]
    # The demo's own sign-ins keep their published password; the new ones get PASSWORD.
    for account in caregivers + families + directors:
        account["password"] = PASSWORD if account["username"].startswith("load-") else "attune-demo"
    json.dump({"caregivers": caregivers, "families": families, "directors": directors},
              sys.stdout, indent=1)  # fmt: skip


if __name__ == "__main__":
    main()
