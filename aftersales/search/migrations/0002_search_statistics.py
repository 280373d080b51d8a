"""Finer planner statistics for the searched columns and expressions (PostgreSQL only).

With the default 100-bucket histograms the planner guesses that a phone fragment or an initials
prefix matches about 1 % of a million rows when it matches 0.05 %; it then walks the primary key
instead of using the search index, or compiles the query with JIT, both costing tens of
milliseconds. A larger sample makes those estimates close to the truth (the next ANALYZE applies it).
"""

from django.db import migrations

TARGET = 3000
COLUMNS = [
    ("customers_customer", "name_pinyin"),
    ("customers_customer", "name_initials"),
    ("customers_customerphone", "number"),
]
INDEX_EXPRESSIONS = ["search_cust_name_fold_trgm", "search_cust_id_suffix", "search_asset_plate_trgm",
                     "search_asset_serial_trgm", "search_asset_vin_suffix"]


def apply(target):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table, column in COLUMNS:
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STATISTICS {target}")
        for index in INDEX_EXPRESSIONS:
            schema_editor.execute(f"ALTER INDEX {index} ALTER COLUMN 1 SET STATISTICS {target}")

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_indexes")]

    operations = [migrations.RunPython(apply(TARGET), apply(-1))]
