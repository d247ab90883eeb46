# Memberships move from programs to accounts without losing a row: the model is taken over
# in Django's state on the existing table (programs_membership), the table is then renamed
# to accounts_membership, and the content type follows, so the audit trail of memberships
# written before the move still finds its model.

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_follows(apps: Any, schema_editor: Any) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="accounts", model="membership").exists():
        ContentType.objects.filter(app_label="programs", model="membership").update(
            app_label="accounts"
        )


def content_type_goes_back(apps: Any, schema_editor: Any) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="programs", model="membership").exists():
        ContentType.objects.filter(app_label="accounts", model="membership").update(
            app_label="programs"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_calendar_feeds"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("programs", "0008_membership_moves_to_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("role", models.CharField(choices=[("state_admin", "State/territory administrator"), ("org_admin", "Organization administrator"), ("director", "Program director"), ("specialist", "T/TA specialist"), ("trainer", "Trainer"), ("coordinator", "Endorsement coordinator")], max_length=16, verbose_name="role")),
                        ("jurisdiction", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="programs.jurisdiction", verbose_name="state, territory or Tribe")),
                        ("organization", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="programs.organization", verbose_name="organization")),
                        ("program", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to="programs.program", verbose_name="program")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="memberships", to=settings.AUTH_USER_MODEL, verbose_name="user")),
                    ],
                    options={
                        "db_table": "programs_membership",
                        "verbose_name": "membership",
                        "verbose_name_plural": "memberships",
                        "constraints": [models.CheckConstraint(condition=models.Q(models.Q(("jurisdiction__isnull", False), ("organization__isnull", True), ("program__isnull", True), ("role", "state_admin")), models.Q(("jurisdiction__isnull", True), ("organization__isnull", False), ("program__isnull", True), ("role", "org_admin")), models.Q(("jurisdiction__isnull", True), ("organization__isnull", True), ("program__isnull", False), ("role__in", ["director", "specialist", "trainer"])), models.Q(("jurisdiction__isnull", False), ("organization__isnull", True), ("program__isnull", True), ("role", "specialist")), models.Q(("jurisdiction__isnull", False), ("organization__isnull", True), ("program__isnull", True), ("role", "coordinator")), _connector="OR"), name="membership_scope_matches_role")],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name="membership", table=None),
        migrations.RunPython(content_type_follows, content_type_goes_back),
    ]
