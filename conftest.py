import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache

pytest_plugins = ["medcenter.patients.tests.world"]


def pytest_configure(config):
    """Test-only speed-ups for what the suite repeats; none changes what a test proves."""
    from django.conf import settings

    _sync_roles_once_per_migrate()
    _restore_migration_seeds_after_each_flush()
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        _copy_sqlite_test_databases_from_one_migration()
    if database["ENGINE"] == "django.db.backends.postgresql":
        _commit_without_waiting_for_the_disk(database)
        _flush_by_delete_on_postgresql()


_DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def _reaches_the_database(item) -> bool:
    return bool(
        item.get_closest_marker("django_db")
        or _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def pytest_collection_modifyitems(config, items):
    """Tests without a database run first; with MEDCENTER_DATABASE_TESTS_ONLY=1 (scripts/
    test.sh's PostgreSQL run), only the tests that reach the database run.

    First: on SQLite the first test that needs a database waits for the migrated template (see
    `_build_the_sqlite_template_in_the_background`); the tests that need none (parsers, staging
    tables, catalogs, PDF layout) keep both workers busy meanwhile. The order within each group
    is the collection order.

    Only: a test without database access has nothing that differs between backends and already
    ran in the SQLite run; repeating it on PostgreSQL proves nothing more. Every test with a
    database runs on both.
    """
    database, free = [], []
    for item in items:
        (database if _reaches_the_database(item) else free).append(item)
    if os.environ.get("MEDCENTER_DATABASE_TESTS_ONLY") == "1":
        if free:
            config.hook.pytest_deselected(items=free)
        items[:] = database
    else:
        items[:] = free + database
    worker = getattr(config, "workerinput", {}).get("workerid", "gw0")
    if database and worker == "gw0" and _on_sqlite():
        _build_the_sqlite_template_in_the_background()


def _on_sqlite() -> bool:
    from django.conf import settings

    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


def _copy_sqlite_test_databases_from_one_migration():
    """Make each SQLite test database by copying one migrated file, not by migrating again.

    Every test process (each pytest-xdist worker, and the browser run after the unit run) used
    to apply all migrations itself, Wagtail's included: about a minute of two busy cores per
    run. The first process to need a database now migrates one file, under a lock, named after
    a digest of every migration module and the Django version; the others copy it. A change
    to any migration changes the digest, so a stale file is never used. Django's own set-up
    still runs `migrate` on the copy (finding nothing to apply) and emits post_migrate, so the
    database is exactly what a migration gives.
    """
    from django.db.backends.sqlite3.creation import DatabaseCreation

    create = DatabaseCreation.create_test_db

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        name = self._get_test_db_name()
        if not keepdb and not self.is_in_memory_db(name):
            for leftover in (f"{name}-wal", f"{name}-shm"):
                Path(leftover).unlink(missing_ok=True)
            shutil.copyfile(_migrated_sqlite_template(), name)
            keepdb = True  # the copy is the fresh database: Django must not delete it
        return create(
            self, verbosity=verbosity, autoclobber=autoclobber, serialize=serialize, keepdb=keepdb
        )

    DatabaseCreation.create_test_db = create_test_db


def _build_the_sqlite_template_in_the_background():
    """Start migrating the SQLite template as soon as tests are collected, on a thread of the
    first worker (or of the only process), while the tests without a database run first (see
    `pytest_collection_modifyitems`); the first test that needs a database waits on the
    template's lock. Before, the first worker built it while the other waited: about a minute
    of one idle core per run. Nothing is built when the template exists.
    """
    import threading

    def build():
        try:
            _migrated_sqlite_template()
        except Exception:  # the first test that needs it builds it again and shows the failure
            return

    threading.Thread(target=build, name="sqlite-template", daemon=True).start()


def _template_folder() -> Path:
    """Where migrated templates are kept: a cache outside the checkout (MEDCENTER_TEST_CACHE,
    else $XDG_CACHE_HOME or ~/.cache, then medcenter/test-templates), so a fresh checkout of
    the same code (CI's) finds the file the last run on the machine made, as pip finds its
    wheels; the digest in the name decides, and a missing or stale file is simply rebuilt."""
    root = os.environ.get("MEDCENTER_TEST_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "medcenter"
    )
    return Path(root) / "test-templates"


def _migrated_sqlite_template() -> Path:
    import fcntl
    import importlib.util

    import django
    from django.apps import apps
    from django.conf import settings

    digest = hashlib.sha256(django.get_version().encode())
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        spec = importlib.util.find_spec(f"{config.name}.migrations")
        if spec is None or not spec.submodule_search_locations:
            continue
        for path in sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.py")):
            digest.update(path.name.encode() + path.read_bytes())
    # Data migrations call the apps' own code (the built-in questionnaires, say): any change
    # to the project's code outside its tests makes a new template too.
    project = Path(settings.BASE_DIR) / "medcenter"
    for path in sorted(project.rglob("*.py")):
        if "tests" not in path.relative_to(project).parts:
            digest.update(str(path.relative_to(project)).encode() + path.read_bytes())
    folder = _template_folder()
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / f"migrated-{digest.hexdigest()[:16]}.sqlite3"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not template.exists():
            # Other checkouts (a branch, a worktree) may still use theirs: only the unused go.
            for old in folder.glob("migrated-*.sqlite3"):
                if time.time() - old.stat().st_mtime > 2 * 86400:
                    old.unlink(missing_ok=True)
            building = template.with_suffix(".building")
            building.unlink(missing_ok=True)
            subprocess.run(  # noqa: S603 - this interpreter and this checkout's manage.py
                [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "migrate", "-v0"],
                check=True,
                env={**os.environ, "DATABASE_URL": f"sqlite:///{building}"},
            )
            connection = sqlite3.connect(building)
            try:  # one self-contained file: the write-ahead log folded in
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                connection.close()
            for leftover in folder.glob("*.building-*"):
                leftover.unlink()
            building.rename(template)
        os.utime(template)  # in use: kept by the clean-up above
    return template


def _commit_without_waiting_for_the_disk(database):
    """On PostgreSQL, test connections commit without waiting for the disk.

    `synchronous_commit=off` only lets a server crash lose the last few commits of a throw-away
    test database: what a commit makes visible to other connections, locks, constraints and
    isolation are unchanged, so concurrency tests prove the same thing. It makes each commit
    (migrations at creation, `transaction=True` tests and their threads) 10 to 20 times cheaper
    (about 8 ms -> 0.5 ms here). Set per connection, so no server setting is changed.
    """
    options = database.setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


def _sync_roles_once_per_migrate():
    """Run the accounts app's role sync after the last app's post_migrate only.

    The app connects it to every app's post_migrate (34 calls, each about 40 queries, where the
    last one alone decides the result); tests emit post_migrate at each database creation and
    after each `transaction=True` test's flush. The same function runs, once, after all the
    permissions exist, so the groups come out the same.
    """
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from medcenter.accounts.apps import _sync_roles

    def sync_roles_after_the_last_app(sender, **kwargs):
        last = [config for config in apps.get_app_configs() if config.models_module][-1]
        if sender is last:
            _sync_roles(sender=sender, **kwargs)

    uid = "medcenter.accounts.sync_roles"
    if not post_migrate.disconnect(dispatch_uid=uid):
        raise RuntimeError("the accounts app no longer syncs roles on post_migrate")
    post_migrate.connect(sync_roles_after_the_last_app, dispatch_uid=uid, weak=False)


def _restore_migration_seeds_after_each_flush():
    """Put back the rows that data migrations create, whenever the tests' database is emptied.

    A `transaction=True` test ends with a flush that empties every table; Django then re-emits
    post_migrate, which remakes content types, permissions and (above) the roles, but not what
    migrations inserted: Wagtail's root page, root collection and default locale, and the
    built-in questionnaires. A reused database (`--reuse-db`, the PostgreSQL run) also starts
    as the last run left it, and `migrate` emits post_migrate at its start too. Restoring them
    here, after the last app's post_migrate, gives every test the database a fresh migration
    gives, in any order and on any worker.
    """
    import importlib

    from django.apps import apps
    from django.conf import settings
    from django.db.models.signals import post_migrate

    builtin = importlib.import_module(
        "medcenter.questionnaires.migrations.0002_builtin_questionnaires"
    )

    def restore(sender, using="default", **kwargs):
        last = [config for config in apps.get_app_configs() if config.models_module][-1]
        if sender is not last:
            return
        from wagtail.coreutils import get_supported_content_language_variant
        from wagtail.models import Collection, Locale, Page, Site

        default = Locale.objects.using(using).get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )[0]
        if Collection.get_first_root_node() is None:
            Collection.add_root(name="Root")
        top = Page.get_first_root_node()
        if top is None:
            top = Page.add_root(instance=Page(title="Root", slug="root", locale=default))
        if not Site.objects.exists():  # Wagtail's migration: a welcome page, the default site
            welcome = top.add_child(instance=Page(title="Welcome", slug="home", locale=default))
            Site.objects.create(hostname="localhost", root_page=welcome, is_default_site=True)
        builtin.install(apps, None)

    post_migrate.connect(restore, dispatch_uid="medcenter.tests.migration_seeds", weak=False)


def _flush_by_delete_on_postgresql():
    """Empty the tables after a `transaction=True` test with DELETE rather than TRUNCATE.

    Django's flush truncates every table; on PostgreSQL a TRUNCATE of 67 tables replaces about
    300 files and takes 3 to 9 seconds on a busy machine, while deleting the few rows a test left
    takes 50 ms. The tables end up equally empty (sequences are not reset either way).
    `session_replication_role = replica`, for this transaction only, skips the foreign-key
    checks (every table is emptied) and the audit table's append-only trigger, which TRUNCATE
    skips too. Setting it needs a superuser (the suite's `postgres`); under any other role, and
    whenever sequences are reset or the flush cascades, Django's TRUNCATE runs as before.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        self.connection.ensure_connection()
        superuser = self.connection.connection.info.parameter_status("is_superuser") == "on"
        if reset_sequences or allow_cascade or not superuser or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [
            "SET LOCAL session_replication_role = replica;",
            # Django's own table names, quoted as its TRUNCATE quotes them.
            *(f"DELETE FROM {self.quote_name(table)};" for table in tables),  # noqa: S608
        ]

    DatabaseOperations.sql_flush = sql_flush


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, so a page cached by one test never leaks; and
    without the directory's in-memory index, which the last test's rollback made stale."""
    from medcenter.directory import index

    cache.clear()
    index.forget()
    yield
    cache.clear()
    index.forget()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is slow on purpose; tests that check hashing read the settings module itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_and_immediate_tasks(settings):
    """Each test starts in English (a request in another language leaves it active), and
    background tasks run at once so their effects (an email) can be checked."""
    from django.utils import translation

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    translation.activate("en")
    yield
    translation.deactivate()
