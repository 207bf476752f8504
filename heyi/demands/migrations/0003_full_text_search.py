"""Full-text search over demands: a GIN expression index on PostgreSQL, an FTS5 table on SQLite.

Each half runs only on its own database and does nothing on the other. On SQLite the FTS5
table is an external-content index of demands_demand kept in sync by triggers. A later migration
that makes Django rebuild demands_demand on SQLite (most column alterations do) drops those
triggers with the old table: such a migration must call `sqlite_search_create` again (the test
`test_sqlite_search_triggers_exist` fails until it does).
"""

from django.db import migrations

GIN_INDEX_NAME = "demands_demand_search_gin"

# The vector must stay identical to SEARCH_VECTOR in heyi/demands/selectors.py, or PostgreSQL
# will not use the index for the queries.
SEARCH_WEIGHTS = (("title", "A"), ("search_tags", "B"), ("description", "C"))
SEARCH_CONFIG = "english"

SQLITE_CREATE = [
    # Porter stemming over Unicode words; diacritics folded so "cafe" finds "café".
    """
    CREATE VIRTUAL TABLE demands_demand_fts USING fts5(
        title, search_tags, description,
        content='demands_demand', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER demands_demand_fts_insert AFTER INSERT ON demands_demand BEGIN
        INSERT INTO demands_demand_fts(rowid, title, search_tags, description)
        VALUES (new.id, new.title, new.search_tags, new.description);
    END
    """,
    """
    CREATE TRIGGER demands_demand_fts_delete AFTER DELETE ON demands_demand BEGIN
        INSERT INTO demands_demand_fts(demands_demand_fts, rowid, title, search_tags, description)
        VALUES ('delete', old.id, old.title, old.search_tags, old.description);
    END
    """,
    """
    CREATE TRIGGER demands_demand_fts_update
    AFTER UPDATE OF title, search_tags, description ON demands_demand BEGIN
        INSERT INTO demands_demand_fts(demands_demand_fts, rowid, title, search_tags, description)
        VALUES ('delete', old.id, old.title, old.search_tags, old.description);
        INSERT INTO demands_demand_fts(rowid, title, search_tags, description)
        VALUES (new.id, new.title, new.search_tags, new.description);
    END
    """,
    # Index the demands that exist already.
    "INSERT INTO demands_demand_fts(demands_demand_fts) VALUES ('rebuild')",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS demands_demand_fts_update",
    "DROP TRIGGER IF EXISTS demands_demand_fts_delete",
    "DROP TRIGGER IF EXISTS demands_demand_fts_insert",
    "DROP TABLE IF EXISTS demands_demand_fts",
]


def _gin_index():  # type: ignore[no-untyped-def]
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    vector = None
    for field, weight in SEARCH_WEIGHTS:
        part = SearchVector(field, weight=weight, config=SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    return GinIndex(vector, name=GIN_INDEX_NAME)


def sqlite_search_create(schema_editor) -> None:  # type: ignore[no-untyped-def]
    for statement in SQLITE_CREATE:
        schema_editor.execute(statement)


def search_create(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.add_index(apps.get_model("demands", "Demand"), _gin_index())
    elif vendor == "sqlite":
        sqlite_search_create(schema_editor)


def search_drop(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("demands", "Demand"), _gin_index())
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("demands", "0002_demand_search_tags"),
    ]

    operations = [
        migrations.RunPython(search_create, search_drop, elidable=False),
    ]
