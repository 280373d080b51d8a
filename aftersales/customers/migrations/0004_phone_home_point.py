"""Phones carry their customer's home point (see CustomerPhone.home_point): added empty, filled from the
customers in one statement, then required (0005: PostgreSQL refuses to alter a table with pending foreign-key checks
in the transaction that filled it)."""

import django.db.models.deletion
from django.db import migrations, models

FILL = """
UPDATE customers_customerphone SET home_point_id = (
    SELECT c.home_point_id FROM customers_customer c WHERE c.id = customers_customerphone.customer_id)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("customers", "0003_default_classification_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="customerphone",
            name="home_point",
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="accounts.servicepoint"),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
