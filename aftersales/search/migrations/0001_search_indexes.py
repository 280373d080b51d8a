"""Indexes for the search box on the customers' and assets' tables (PostgreSQL only).

Each index serves exactly one expression that ``aftersales.search.selectors`` queries:

* ``search_fold(name)`` — the lower-cased name with every character doubled ("张三" → "张张三三"). A
  trigram index cannot answer a two-character substring (a LIKE pattern needs three characters), and
  most Chinese names and queries are two or three characters long; doubled, "%张张三三%" has trigrams and
  still matches exactly the names containing "张三".
* name pinyin / initials prefixes — btree ``varchar_pattern_ops`` (the database collation is not C).
* phone fragments — trigram on ``number`` (Django's ``contains`` compiles to ``number::text LIKE``).
* plate and serial fragments — trigram on ``UPPER(col::text)``, the expression of ``icontains``.
* VIN and ID-number suffixes — btree ``text_pattern_ops`` on ``REVERSE(col)``, queried as a prefix of
  the reversed string.

On SQLite the same queries run without these indexes.
"""

from django.db import migrations

FOLD_FUNCTION = r"""
CREATE OR REPLACE FUNCTION search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT regexp_replace(lower(value), '(.)', '\1\1', 'g') $$
"""

INDEXES = [
    ("search_cust_name_fold_trgm", "customers_customer", "USING gin (search_fold(name) gin_trgm_ops)"),
    ("search_cust_pinyin_prefix", "customers_customer", "(name_pinyin varchar_pattern_ops)"),
    ("search_cust_initials_prefix", "customers_customer", "(name_initials varchar_pattern_ops)"),
    ("search_cust_id_suffix", "customers_customer", "(reverse(id_number) text_pattern_ops)"),
    ("search_phone_number_trgm", "customers_customerphone", "USING gin (number gin_trgm_ops)"),
    ("search_asset_plate_trgm", "assets_asset", "USING gin (upper(plate::text) gin_trgm_ops)"),
    ("search_asset_serial_trgm", "assets_asset", "USING gin (upper(serial_number::text) gin_trgm_ops)"),
    ("search_asset_vin_suffix", "assets_asset", "(reverse(vin) text_pattern_ops)"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(FOLD_FUNCTION)
    for name, table, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS search_fold(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("assets", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
