"""Cost of the audit chain and of the access check, against plain queries in the same process.

For each database (SQLite, and PostgreSQL when reachable) this creates a throw-away database,
then times:
  - audit.record (HMAC chain, locked head row) vs a plain single-row INSERT of similar size;
  - verify_audit over the rows written (rows/s);
  - get_patient_for (access check + audited read) vs a plain Patient lookup by public id.

    .venv/bin/python bench/access_audit.py [--rows 2000]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import os, sys, time
sys.path.insert(0, os.environ["ROOT"])
os.environ["DJANGO_SETTINGS_MODULE"] = "medcenter.settings"
import django
django.setup()
from django.test.utils import setup_test_environment
from django.db import connection, transaction
from django.test.utils import get_runner
from django.conf import settings
connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
import logging; logging.disable(logging.CRITICAL)
from medcenter.core import audit
from medcenter.accounts.models import SignInFailure, User
from medcenter.accounts.services import assign_role
from medcenter.patients.models import Patient, CareRelationship
from medcenter.patients.selectors import get_patient_for
from medcenter.patients.services import generate_mrn

n = int(os.environ["ROWS"])
user = User.objects.create_user("bench@example.test", "bench-password-123456")
assign_role(user=user, role="clinician", assigned_by=None)
user.is_verified = lambda: True

def rate(fn, count):
    started = time.perf_counter()
    for i in range(count):
        fn(i)
    return count / (time.perf_counter() - started)

plain = rate(lambda i: SignInFailure.objects.create(email_digest="%064d" % i, client_ip="127.0.0.1"), n)
def audited_write(i):
    # A write's event is recorded inside the write's transaction, as every service does.
    with transaction.atomic():
        audit.record(action="bench.event", actor=user, reason=str(i))

chained = rate(audited_write, n)
started = time.perf_counter()
report = audit.verify_chain()
verify = report.checked / (time.perf_counter() - started)

patients = [Patient.objects.create(mrn=generate_mrn(), given_name="G", family_name=f"F{i}",
            date_of_birth="1970-01-01", sex="female") for i in range(200)]
for p in patients:
    CareRelationship.objects.create(staff=user, patient=p, kind="care_team")
ids = [p.public_id for p in patients]
user = User.objects.get(pk=user.pk); user.is_verified = lambda: True
user.has_perm("patients.view_patient")  # warm the permission cache, as in a request
lookup = rate(lambda i: Patient.objects.get(public_id=ids[i % 200]), n)
checked = rate(lambda i: get_patient_for(user, public_id=ids[i % 200]), n)
print(f"  audit.record          {chained:8.0f} rows/s   plain insert {plain:8.0f} rows/s   ratio {chained/plain:.2f}")
print(f"  verify_audit          {verify:8.0f} rows/s   ({report.checked} rows, chain ok: {report.ok})")
print(f"  get_patient_for       {checked:8.0f} reads/s  plain lookup {lookup:8.0f} reads/s  ratio {checked/lookup:.2f}")
connection.creation.destroy_test_db(settings.DATABASES["default"]["NAME"], verbosity=0)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="medcenter-bench-")
    targets = [("SQLite (file, WAL)", f"sqlite:///{scratch}/bench.sqlite3")]
    pg = os.environ.get("DATABASE_URL_POSTGRES", "postgres://postgres@127.0.0.1:5432/medcenter")
    reachable = (
        subprocess.run([sys.executable, str(ROOT / "scripts/pg_reachable.py"), pg]).returncode == 0
    )
    if reachable:
        targets.append(("PostgreSQL", pg))
    for label, url in targets:
        print(label)
        env = {
            **os.environ,
            "ROOT": str(ROOT),
            "ROWS": str(args.rows),
            "DATABASE_URL": url,
            "SQLITE_TEST_NAME": f"{scratch}/bench-test.sqlite3",
        }
        subprocess.run([sys.executable, "-c", CHILD], env=env, check=True, cwd=ROOT)
        time.sleep(0.1)


if __name__ == "__main__":
    main()
