#!/usr/bin/env bash
# The whole suite: unit and integration tests on SQLite and on PostgreSQL, then the browser
# journeys in Debian's chromium. Prints which backends ran and one closing total.
set -uo pipefail
cd "$(dirname "$0")/.."
# Python keeps compiled modules (__pycache__, ignored by git): every test process after the
# first (each xdist worker, each backend, each subprocess a test starts) reuses them.
export DJANGO_SETTINGS_MODULE=medcenter.settings
unset PYTHONDONTWRITEBYTECODE
unset DATABASE_URL

only_e2e=false
[ "${1:-}" = "--only-e2e" ] && only_e2e=true
WORKERS=${TEST_WORKERS:-2}
PG_WORKERS=${TEST_PG_WORKERS:-$WORKERS}
results=$(mktemp -d)
ran=()

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else return 1; fi; }

# System packages the suite needs: chromium (browser tests), gettext (catalog checks) and
# PostgreSQL's client tools (the backup and restore drill runs pg_dump and pg_restore).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v xgettext >/dev/null || missing+=(gettext)
command -v pg_restore >/dev/null || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]} ..."
  if ! { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
    echo "Could not install ${missing[*]}. As root, run: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

status=0
run_pytest() {  # name, then pytest arguments
  local name=$1; shift
  echo "=== ${name}"
  .venv/bin/pytest --junitxml="$results/${name}.xml" -q "$@" || status=1
  ran+=("$name")
}

if ! $only_e2e; then
  run_pytest sqlite -n "$WORKERS" medcenter

  PG_URL=${DATABASE_URL_POSTGRES:-postgres://postgres@127.0.0.1:5432/medcenter}
  if .venv/bin/python scripts/pg_reachable.py "$PG_URL"; then
    # Only the tests that reach the database: the others ran under SQLite and have no backend.
    DATABASE_URL=$PG_URL MEDCENTER_DATABASE_TESTS_ONLY=1 \
      run_pytest postgresql -n "$PG_WORKERS" --dist worksteal --reuse-db medcenter
  elif [ "${CI:-}" = "true" ]; then
    echo "PostgreSQL is not reachable at $PG_URL, and CI=true requires it." >&2
    status=1
  else
    echo "=== postgresql: skipped (not reachable at $PG_URL; set DATABASE_URL_POSTGRES)"
  fi
fi

run_pytest browser -n "$WORKERS" --dist worksteal -p no:cacheprovider e2e

.venv/bin/python scripts/summarize_junit.py "$results" "${ran[@]}"
exit $status
