"""The database forbids overlapping live appointments of one clinician or resource (R25).

PostgreSQL: exclusion constraints over tstzrange (btree_gist). SQLite: triggers that abort an
INSERT or UPDATE that would overlap. Both ignore cancelled and no-show rows, and overbooked
rows (a staff decision with a recorded reason). Holds are included; a service clears expired
holds out of the way before it books.
"""

from django.db import migrations

LIVE = "('pending', 'booked', 'arrived', 'fulfilled')"

PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    *(
        f"""ALTER TABLE scheduling_appointment ADD CONSTRAINT appt_no_overlap_{owner}
        EXCLUDE USING gist ({owner}_id WITH =, tstzrange(start, reserved_until, '[)') WITH &&)
        WHERE ({owner}_id IS NOT NULL AND NOT overbooked AND status IN {LIVE})"""
        for owner in ("clinician", "resource")
    ),
]
PG_DOWN = [
    f"ALTER TABLE scheduling_appointment DROP CONSTRAINT appt_no_overlap_{owner}"
    for owner in ("clinician", "resource")
]

_CLASH = f"""SELECT RAISE(ABORT, 'appointment overlaps another') WHERE EXISTS (
    SELECT 1 FROM scheduling_appointment a
    WHERE a.overbooked = 0 AND a.status IN {LIVE} AND a.id IS NOT NEW.id
      AND ((NEW.clinician_id IS NOT NULL AND a.clinician_id = NEW.clinician_id)
        OR (NEW.resource_id IS NOT NULL AND a.resource_id = NEW.resource_id))
      AND a.start < NEW.reserved_until AND a.reserved_until > NEW.start);"""
_WHEN = f"WHEN NEW.overbooked = 0 AND NEW.status IN {LIVE}"
SQLITE_UP = [
    f"""CREATE TRIGGER appt_no_overlap_insert BEFORE INSERT ON scheduling_appointment
    {_WHEN} BEGIN {_CLASH} END""",
    f"""CREATE TRIGGER appt_no_overlap_update
    BEFORE UPDATE OF status, start, reserved_until, overbooked, clinician_id, resource_id
    ON scheduling_appointment {_WHEN} BEGIN {_CLASH} END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS appt_no_overlap_insert",
    "DROP TRIGGER IF EXISTS appt_no_overlap_update",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_UP, "sqlite": SQLITE_UP}),
            _run({"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN}),
        )
    ]
