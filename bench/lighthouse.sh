#!/usr/bin/env bash
# Lighthouse (mobile preset) on the pages a new patient meets first: the home page, a doctor
# search, a doctor's profile and a trial. Prints the performance and accessibility scores of
# each (target: 90 or more) and keeps the full reports under var/lighthouse/reports/.
#
# Lighthouse comes from the npm registry, installed once under var/lighthouse/ (no global
# install); it drives Debian's chromium (CHROME_PATH, default /usr/bin/chromium) and never
# downloads a browser. The script starts its own server, as `make demo` runs it (collected
# static files, gunicorn), on a free port against its own demo database, and stops it after.
#
#     bash bench/lighthouse.sh [--runs N]    # N runs per page, the median is printed (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."

LIGHTHOUSE_VERSION=13.5.0
RUNS=1
if [[ "${1:-}" == "--runs" ]]; then RUNS=${2:?}; fi
DIR=var/lighthouse
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
export DJANGO_SETTINGS_MODULE=medcenter.settings
export DATABASE_URL="sqlite:///$PWD/$DIR/demo.sqlite3"
export STATIC_COLLECTED=true
mkdir -p "$DIR/reports"

if [[ ! -x "$CHROME_PATH" ]]; then
  echo "No chromium at $CHROME_PATH: as root, apt-get install -y chromium" >&2
  exit 1
fi
LH="$DIR/node_modules/.bin/lighthouse"
if [[ ! -x "$LH" ]] || [[ "$("$LH" --version)" != "$LIGHTHOUSE_VERSION" ]]; then
  echo "Installing lighthouse@$LIGHTHOUSE_VERSION from the npm registry into $DIR ..."
  npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error "lighthouse@$LIGHTHOUSE_VERSION" >/dev/null
fi

echo "Preparing the demo database and static files ..."
.venv/bin/python manage.py migrate --noinput -v0
# Seeding takes a minute or two; once done it is kept (delete var/lighthouse/demo.sqlite3 to redo).
if [[ ! -f "$DIR/seeded" ]]; then
  .venv/bin/python manage.py seed_demo >"$DIR/seed.log" 2>&1
  touch "$DIR/seeded"
fi
.venv/bin/python manage.py collectstatic --noinput -v0

PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv/bin/gunicorn medcenter.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 \
  --log-level warning >"$DIR/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

# A doctor and an open trial from the demo data, found the way a visitor would: by URL.
read -r DOCTOR TRIAL < <(.venv/bin/python -c '
import django; django.setup()
from medcenter.directory.models import Clinician
from medcenter.trials.models import Trial
doctor = Clinician.objects.filter(is_active=True).order_by("family_name").first()
trial = Trial.objects.open().order_by("nct_id").first()
print(doctor.get_absolute_url(), trial.nct_id)
')
BASE="http://127.0.0.1:$PORT"
declare -a NAMES=(home search profile trial)
declare -a URLS=(
  "$BASE/en/"
  "$BASE/en/doctors/?q=sarcoma"
  "$BASE$DOCTOR"
  "$BASE/en/trials/$TRIAL/"
)

# A server that has just started answers its first request of each page slowly (imports,
# templates, caches); a real one has long been warm. One request each before measuring.
for url in "${URLS[@]}"; do curl -fs -o /dev/null "$url" || true; done

printf '\nLighthouse %s, mobile preset, %s, %s run(s) per page (median)\n' \
  "$LIGHTHOUSE_VERSION" "$("$CHROME_PATH" --version 2>/dev/null | head -1)" "$RUNS"
printf '%-8s %-12s %-14s %s\n' page performance accessibility url
status=0
for i in "${!NAMES[@]}"; do
  name=${NAMES[$i]}
  url=${URLS[$i]}
  reports=()
  for run in $(seq "$RUNS"); do
    report="$DIR/reports/$name-$run.json"
    rm -f "$report"  # a run that fails writes nothing; never read an older one
    "$LH" "$url" --quiet --output=json --output-path="$report" \
      --only-categories=performance,accessibility \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage" \
      >/dev/null 2>>"$DIR/lighthouse.log" || true
    reports+=("$report")
  done
  line=$(.venv/bin/python - "${reports[@]}" <<'PY'
import json, statistics, sys
perf, a11y = [], []
for path in sys.argv[1:]:
    try:
        categories = json.load(open(path))["categories"]
    except (OSError, ValueError, KeyError):
        continue
    for scores, key in ((perf, "performance"), (a11y, "accessibility")):
        if categories[key]["score"] is not None:
            scores.append(round(categories[key]["score"] * 100))
print(round(statistics.median(perf)) if perf else "-", round(statistics.median(a11y)) if a11y else "-", len(perf))
PY
)
  read -r perf a11y measured <<<"$line"
  printf '%-8s %-12s %-14s %s (%s of %s runs)\n' "$name" "$perf" "$a11y" "${url#"$BASE"}" "$measured" "$RUNS"
  if [[ "$perf" == "-" || "$a11y" == "-" ]] || (( perf < 90 || a11y < 90 )); then status=1; fi
done
echo
echo "Reports: $DIR/reports/ (open the JSON in https://googlechrome.github.io/lighthouse/viewer/)"
exit $status
