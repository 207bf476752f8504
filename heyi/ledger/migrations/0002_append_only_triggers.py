"""PostgreSQL itself refuses UPDATE and DELETE on postings and their lines (ADR 10).

On SQLite, the embedded default, the model and its query set refuse them (`AppendOnly`); a
trigger there would also refuse the test runner's table flush, which uses DELETE (PostgreSQL's
flush uses TRUNCATE, which row triggers do not see).
"""

from django.db import migrations

TABLES = ("ledger_posting", "ledger_postingline")


def _create(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(
                f"""
                CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION '{table} is append-only: post a reversing posting instead';
                END;
                $$ LANGUAGE plpgsql;
                CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
                    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
                """
            )



def _drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_append_only();")



class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(_create, _drop)]
