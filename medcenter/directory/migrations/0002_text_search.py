"""The database's own full-text index: FTS5 on SQLite, a GIN index on PostgreSQL."""

from django.db import migrations

SQLITE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS directory_clinician_fts "
    "USING fts5(body, tokenize = 'porter unicode61 remove_diacritics 2')"
)
POSTGRES = (
    "CREATE INDEX IF NOT EXISTS directory_clinician_search_gin "
    "ON directory_clinician USING gin (search_document)"
)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS directory_clinician_fts")
    elif vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS directory_clinician_search_gin")


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
