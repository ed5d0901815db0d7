# dso_dunning — single entry point. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export ODOO_SRC ?= /opt/odoo/19.0
FAULT_TESTS ?= 1

.PHONY: help setup run test test-core lint

help:
	@echo "make setup   prepare Odoo source, .venv, PostgreSQL role, Chromium (idempotent)"
	@echo "make run     Odoo with the demo database on http://127.0.0.1:8069 (admin/admin)"
	@echo "make test    strict test run over TEST_SHARDS Odoo processes (default 2), with the"
	@echo "             linters and the fault tests alongside (FAULT_TESTS=0 to skip them,"
	@echo "             TEST_TAGS=/dso_dunning:TestClass for one class, one process), and"
	@echo "             Odoo's own mail and accounting test classes with the addon installed"
	@echo "             (CORE_TESTS=0 to skip them)"
	@echo "make test-core  only Odoo's own test classes with the addon installed"
	@echo "             (CORE_TAGS=/test_mail,/account:TestClass CORE_MODULES=test_mail)"
	@echo "make lint    ruff, pylint-odoo, oca-checks-odoo-module"
	@echo "make i18n    regenerate the .pot and merge it into fr.po"
	@echo "make bench-data SIZE=S|M|L   benchmark database (S 1k, M 20k, L 100k customers)"
	@echo "make bench SIZE=S|M|L        benchmark vs OCA credit control and SQL (not in CI)"
	@echo "make wheel   build dist/odoo_addon_dso_dunning-<version>-py3-none-any.whl (whool)"
	@echo "make screenshots  retake the README screenshots in docs/screenshots/ (headless Chromium)"

setup:
	@scripts/setup.sh

run: setup
	@scripts/run.sh

lint: setup
	@scripts/lint.sh

test: setup
	@source scripts/env.sh && FAULT_TESTS=$(FAULT_TESTS) "$$VENV/bin/python" scripts/run_tests.py

.PHONY: test-core
test-core: setup
	@source scripts/env.sh && CORE_ONLY=1 "$$VENV/bin/python" scripts/run_tests.py

.PHONY: i18n
i18n: setup
	@scripts/i18n.sh

# Benchmarks (not part of CI): see bench/ and docs/benchmarks/.
SIZE ?= S
.PHONY: bench-data bench
bench-data: setup
	@source scripts/env.sh && "$$VENV/bin/python" bench/generate.py --size $(SIZE)

bench: setup
	@source scripts/env.sh && "$$VENV/bin/python" bench/run.py --size $(SIZE)

# Packaging: the OCA-style wheel, built by whool from dso_dunning/pyproject.toml.
# whool packs the files git tracks in dso_dunning/ (commit or add new files first)
# and derives the version from the manifest and the git history.
.PHONY: wheel
wheel: setup
	@rm -f dist/odoo_addon_dso_dunning-*.whl
	@source scripts/env.sh && "$$LINT_VENV/bin/pip" wheel --quiet --no-deps --no-build-isolation \
		--wheel-dir dist ./dso_dunning
	@ls dist/odoo_addon_dso_dunning-*.whl

# README screenshots: the browser tests of TestDemo and TestPortalTour write their PNGs here.
.PHONY: screenshots
screenshots: setup
	@source scripts/env.sh && DSO_SCREENSHOTS_DIR="$$REPO_DIR/docs/screenshots" FAULT_TESTS=0 \
		TEST_TAGS=/dso_dunning:TestDemo,/dso_dunning:TestPortalTour "$$VENV/bin/python" scripts/run_tests.py
