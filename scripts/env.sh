# Shared settings for the project's scripts; sourced, never run.
# Everything can be overridden from the environment.
REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export REPO_DIR
export ODOO_SRC=${ODOO_SRC:-/opt/odoo/19.0}
export VENV=${VENV:-$REPO_DIR/.venv}
export LINT_VENV=${LINT_VENV:-$REPO_DIR/.venv-lint}
# Odoo's data directory (filestore, sessions). Outside the checkout so that a
# fresh clone reuses the template database built by an earlier one.
export DSO_DATA_DIR=${DSO_DATA_DIR:-$HOME/.local/share/dso_dunning}
# Python bytecode: compiling Odoo's sources costs 1.5 to 3 s of CPU per
# odoo-bin process (a test run starts about ten). Kept under the data
# directory, so neither the checkout nor ODOO_SRC is written to, also where
# the environment sets PYTHONDONTWRITEBYTECODE.
unset PYTHONDONTWRITEBYTECODE
export PYTHONPYCACHEPREFIX=${PYTHONPYCACHEPREFIX:-$DSO_DATA_DIR/pycache}
# PostgreSQL: a dedicated role over TCP (Odoo refuses the postgres superuser).
export PGHOST=${PGHOST:-127.0.0.1}
export PGPORT=${PGPORT:-5432}
export PGUSER=${PGUSER:-dso_dunning}
export PGPASSWORD=${PGPASSWORD:-dso_dunning}
export ADDONS_PATH="$ODOO_SRC/addons,$REPO_DIR"
