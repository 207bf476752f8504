"""On PostgreSQL, number orders and pre-orders from sequences (see heyi/core/numbering.py)."""

from django.db import migrations

TABLES = ("orders_order", "orders_preorder")


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"CREATE SEQUENCE IF NOT EXISTS {table}_number_seq")
        schema_editor.execute(
            f"SELECT setval('{table}_number_seq', COALESCE((SELECT MAX(number) FROM {table}), 0) + 1, false)"
        )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP SEQUENCE IF EXISTS {table}_number_seq")


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_standard_orders")]

    operations = [migrations.RunPython(create, drop)]
