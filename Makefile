# 百千万科技支撑平台 — the two commands a new user needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := .tools/bin/uv
VENV := .venv
BQW := $(VENV)/bin/bqw
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never

.PHONY: install run serve test test-e2e lint format bench clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet --python $(PYTHON)
	touch $@

## install: create .venv with the project and its locked dependencies
install: $(VENV)/.synced

## run: install if needed, migrate, load divisions and demo data, serve http://127.0.0.1:8000
run: install
	$(BQW) migrate --noinput -v0
	$(BQW) regions load
	$(BQW) industries load
	$(BQW) plan load
	$(BQW) indicators load
	$(BQW) demo --if-empty
	$(BQW) plan_remind
	$(BQW) match rebuild
	@echo "百千万科技支撑平台：http://$(HOST):$(PORT)/   （Ctrl+C 停止）"
	$(VENV)/bin/gunicorn baiqianwan.wsgi:application --bind $(HOST):$(PORT) --workers 2 --threads 4 \
		--access-logfile - --timeout 120

## test: the whole suite (unit, API, scope matrix, browser) on $$DATABASE_URL or the embedded SQLite
test: install
	bash scripts/ensure_browser.sh
	bash scripts/ensure_nginx.sh
	$(VENV)/bin/pytest -q -n 2 --dist loadfile

## lint: ruff, mypy, import contracts, migrations in step with models, bandit, known vulnerabilities
lint: install
	$(VENV)/bin/ruff check src tests scripts
	$(VENV)/bin/ruff format --check src tests scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(BQW) makemigrations --check --dry-run
	$(VENV)/bin/bandit -r src -q -ll
	bash scripts/audit_dependencies.sh

## bench: the speed targets of DESIGN §6, each beside a baseline measured in the same run
## (bench_http.py, bench_portal.py and bench_ledgers.py: on PostgreSQL $$BQW_BENCH_DATABASE_URL, filled with `bqw demo --scale province` once)
bench: install
	$(VENV)/bin/python benchmarks/bench_dispatch.py
	@for script in benchmarks/bench_reviews.py benchmarks/bench_matching.py benchmarks/bench_assessment.py benchmarks/bench_upload.py \
		benchmarks/bench_topics.py benchmarks/bench_pairing.py benchmarks/bench_ledgers.py \
		benchmarks/bench_http.py benchmarks/bench_portal.py; do \
		if [ -f $$script ]; then $(VENV)/bin/python $$script || exit 1; fi; \
	done

format: install
	$(VENV)/bin/ruff check --fix src tests scripts
	$(VENV)/bin/ruff format src tests scripts

clean:
	rm -rf $(VENV) .tools var/static var/test*.sqlite3
