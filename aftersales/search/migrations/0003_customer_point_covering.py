"""Index-only visibility checks for customers found by phone (PostgreSQL only).

A phone fragment can match a thousand customers; deciding which of them the user may see needs
each one's home point. Read from the table that is one random heap page per customer; read from
this covering index (a few megabytes, cached) it is an index-only probe.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS search_cust_id_point ON customers_customer (id) "
                              "INCLUDE (home_point_id)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_cust_id_point")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_statistics")]

    operations = [migrations.RunPython(create, drop)]
