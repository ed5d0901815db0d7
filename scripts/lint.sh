#!/usr/bin/env bash
# make lint: ruff (style), pylint-odoo (OCA mandatory checks), oca-checks-odoo-module.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$REPO_DIR"
"$LINT_VENV/bin/ruff" check .
"$LINT_VENV/bin/ruff" format --check .
"$LINT_VENV/bin/pylint" --rcfile=.pylintrc dso_dunning
"$LINT_VENV/bin/oca-checks-odoo-module" dso_dunning/__manifest__.py
echo "[lint] clean"
