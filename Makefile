# dso_dunning — single entry point. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export ODOO_SRC ?= /opt/odoo/19.0

.PHONY: help setup run test lint

help:
	@echo "make setup   prepare Odoo source, .venv, PostgreSQL role, Chromium (idempotent)"
	@echo "make run     Odoo with the demo database on http://127.0.0.1:8069 (admin/admin)"
	@echo "make test    lint + strict test run (TEST_TAGS=/dso_dunning:TestClass for one class)"
	@echo "make lint    ruff, pylint-odoo, oca-checks-odoo-module"
	@echo "make i18n    regenerate the .pot and merge it into fr.po"

setup:
	@scripts/setup.sh

run: setup
	@scripts/run.sh

lint: setup
	@scripts/lint.sh

test: setup lint
	@source scripts/env.sh && "$$VENV/bin/python" scripts/run_tests.py

.PHONY: i18n
i18n: setup
	@scripts/i18n.sh
