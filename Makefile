# The two commands: `make demo` and `make test`. Both do their own set-up on a fresh machine.
.PHONY: demo test check lint types bench lock messages e2e

demo:
	@bash scripts/bootstrap.sh
	@bash scripts/demo.sh

test:
	@bash scripts/bootstrap.sh
	@bash scripts/test.sh

e2e:
	@bash scripts/bootstrap.sh
	@bash scripts/test.sh --only-e2e

check: lint types test

lint:
	@bash scripts/bootstrap.sh
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .

types:
	@bash scripts/bootstrap.sh
	.venv/bin/mypy medcenter

bench:
	@bash scripts/bootstrap.sh
	.venv/bin/python bench/http_shell.py

# Re-resolve the locked dependency set (with hashes) after editing pyproject.toml.
lock:
	@bash scripts/bootstrap.sh
	.venv/bin/pip install -q uv
	.venv/bin/uv pip compile pyproject.toml --extra dev --override requirements-overrides.txt --generate-hashes --python-version 3.11 -o requirements.lock

# Refresh the translation catalogs after changing translatable strings, then compile them.
messages:
	@bash scripts/bootstrap.sh
	.venv/bin/python manage.py makemessages -l es -l pt_BR -l zh_Hans -l ar -l ru --no-location --ignore=.venv --ignore=var --ignore=e2e --ignore=bench
	.venv/bin/python manage.py compilemessages --ignore=.venv
