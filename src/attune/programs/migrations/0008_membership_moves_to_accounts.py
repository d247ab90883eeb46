# Memberships (who holds which role where) belong to accounts now. Only Django's model state
# moves here: the table and every row stay, and accounts.0004 takes the model over.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0007_published_rule_sets"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Membership")],
            database_operations=[],
        ),
    ]
