#!/usr/bin/env bash
# Create .venv with Python 3.11 and install the locked dependencies; a no-op when up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3 || true)}
if [ -z "$PYTHON" ] || ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "medcenter needs Python 3.11 (Debian: apt-get install python3.11 python3.11-venv)." >&2
  exit 1
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

if [ ! -x .venv/bin/python ]; then
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    echo "Installing Debian's python3-venv to create the virtual environment..." >&2
    rm -rf .venv
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3.11-venv >/dev/null \
      || { echo "Could not install python3-venv. Run: apt-get install python3.11-venv" >&2; exit 1; }
    "$PYTHON" -m venv .venv
  fi
fi

# What PDFs are made with (core/documents.py, ADR 0008): WeasyPrint's Pango and the Noto fonts
# every PDF embeds, from Debian.
pdf_packages="fonts-noto-core fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0"
if [ ! -f /usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf ] \
  || [ ! -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] \
  || ! compgen -G '/usr/lib/*/libpangoft2-1.0.so.0' >/dev/null; then
  echo "Installing Debian's packages for PDFs ($pdf_packages)..." >&2
  # shellcheck disable=SC2086
  as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pdf_packages >/dev/null \
    || { echo "Could not install them. As root, run: apt-get install -y $pdf_packages" >&2; exit 1; }
fi

UV_VERSION=0.13.10
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements.lock | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing the locked dependencies into .venv ..." >&2
  # uv (the tool `make lock` resolves with) installs the same hash-checked set in seconds where
  # pip takes about a minute; pip remains the fallback where uv cannot be had.
  if .venv/bin/python -m pip install -q --disable-pip-version-check "uv==$UV_VERSION" >/dev/null 2>&1; then
    .venv/bin/uv pip install -q --python .venv/bin/python --require-hashes --no-deps --compile-bytecode -r requirements.lock
  else
    .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
  fi
  echo "$want" > "$stamp"
fi
