"""Share every existing family with the programs where it has a child (as before, when a
family was reached through its children); families without children stay with the
organization's administrators until a program records or asks for them."""

from typing import Any

from django.db import migrations


def share(apps: Any, schema_editor: Any) -> None:
    Child = apps.get_model("programs", "Child")
    FamilyShare = apps.get_model("programs", "FamilyShare")
    pairs = set(Child.objects.values_list("family_id", "program_id").distinct())
    FamilyShare.objects.bulk_create(
        [
            FamilyShare(family_id=family_id, program_id=program_id, status="approved")
            for family_id, program_id in sorted(pairs)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("programs", "0005_versions_and_family_shares")]

    operations = [migrations.RunPython(share, migrations.RunPython.noop)]
