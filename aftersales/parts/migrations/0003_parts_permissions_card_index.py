"""Permissions to receive goods and to correct stock after a count; the stock card's index; on
PostgreSQL, indexes for the catalogue search (number prefix, name fragment)."""

from django.db import migrations, models

SEARCH_INDEXES = [
    ("parts_part_number_prefix", "parts_part", "((number::text) text_pattern_ops)"),
    ("parts_part_name_trgm", "parts_part", "USING gin (upper(name::text) gin_trgm_ops)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, definition in SEARCH_INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _definition in SEARCH_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('parts', '0002_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='stock',
            options={'ordering': ['part__number'], 'permissions': [('receive_stock', 'Can receive goods into stock'), ('adjust_stock', 'Can correct stock after a count')], 'verbose_name': 'stock', 'verbose_name_plural': 'stock'},
        ),
        migrations.AddIndex(
            model_name='stockmovement',
            index=models.Index(fields=['stock', '-id'], name='movement_stock_id_idx'),
        ),
        migrations.RunPython(create, drop),
    ]
