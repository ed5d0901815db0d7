#!/usr/bin/env bash
# make setup: Odoo source, virtualenv, PostgreSQL role, Chromium and wkhtmltopdf.
# Idempotent: a second run only checks and takes seconds.
set -euo pipefail
source "$(dirname "$0")/env.sh"

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "root rights are needed to run: $*"
    fi
}

# 1. Odoo 19.0 Community source --------------------------------------------
if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
    say "no Odoo source at ODOO_SRC=$ODOO_SRC"
    if timeout 20 git ls-remote --heads https://github.com/odoo/odoo.git 19.0 >/dev/null 2>&1; then
        say "cloning odoo/odoo branch 19.0 (shallow) into $ODOO_SRC"
        as_root mkdir -p "$(dirname "$ODOO_SRC")"
        git clone --depth 1 --branch 19.0 https://github.com/odoo/odoo.git "$ODOO_SRC"
    else
        die "Odoo 19.0 Community source not found at $ODOO_SRC and GitHub is not reachable.
Provide it, then run 'make setup' again: either put a checkout of odoo/odoo branch 19.0
there (it must contain odoo-bin, odoo/ and addons/), or point ODOO_SRC at one:
    make setup ODOO_SRC=/path/to/odoo-19.0"
    fi
fi
grep -q "version_info = (19, 0" "$ODOO_SRC/odoo/release.py" \
    || die "$ODOO_SRC is not Odoo 19.0 (see $ODOO_SRC/odoo/release.py)"

# 2. System packages: Chromium (browser tests), wkhtmltopdf (PDF reports), clients
missing=()
python3 -c "import ensurepip, venv" 2>/dev/null || missing+=(python3-venv)
command -v psql >/dev/null || missing+=(postgresql-client)
command -v chromium >/dev/null || missing+=(chromium)
command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
else
    say "Chromium and wkhtmltopdf present"
fi

# 3. Virtualenvs: .venv for Odoo and the addon, .venv-lint for the linters ----
odoo_reqs=$(python3 "$REPO_DIR/tools/odoo_requirements.py" "$ODOO_SRC/requirements.txt")
pip_install() {  # pip_install VENV STAMP REQUIREMENTS...
    local venv=$1 stamp=$2; shift 2
    if [ "$(cat "$venv/.dso-stamp" 2>/dev/null)" = "$stamp" ]; then
        say "Python packages in $venv up to date"
        return
    fi
    say "installing Python packages into $venv"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$@" \
        2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
    echo "$stamp" > "$venv/.dso-stamp"
}
mkdir -p "$VENV"
printf '%s\n' "$odoo_reqs" > "$VENV/odoo-requirements.txt.new"
stamp=$(cat "$VENV/odoo-requirements.txt.new" "$REPO_DIR/requirements.txt" | sha1sum | cut -c1-16)
mv "$VENV/odoo-requirements.txt.new" "$VENV/odoo-requirements.txt"
pip_install "$VENV" "$stamp" -r "$VENV/odoo-requirements.txt" -r "$REPO_DIR/requirements.txt"
stamp=$(sha1sum < "$REPO_DIR/requirements-dev.txt" | cut -c1-16)
pip_install "$LINT_VENV" "$stamp" -r "$REPO_DIR/requirements-dev.txt"

# 4. PostgreSQL ----------------------------------------------------------------
pg_up() { pg_isready -q -h "$PGHOST" -p "$PGPORT" -t 3; }
if ! pg_up; then
    if command -v pg_lsclusters >/dev/null && [ -n "$(pg_lsclusters -h 2>/dev/null)" ]; then
        read -r ver name _ < <(pg_lsclusters -h | head -n 1)
        say "starting local PostgreSQL cluster $ver/$name"
        as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
        for _ in $(seq 1 30); do pg_up && break; sleep 1; done
    fi
    pg_up || die "no PostgreSQL answers on $PGHOST:$PGPORT. Start one, or set PGHOST/PGPORT/PGUSER/PGPASSWORD."
fi
if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1; then
    [ "$PGUSER" != postgres ] || die "Odoo refuses the PostgreSQL superuser 'postgres': set PGUSER to another role."
    say "creating PostgreSQL role $PGUSER (CREATEDB)"
    sql="DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PGUSER') THEN
    CREATE ROLE \"$PGUSER\" LOGIN CREATEDB PASSWORD '$PGPASSWORD';
  ELSE
    ALTER ROLE \"$PGUSER\" LOGIN CREATEDB PASSWORD '$PGPASSWORD';
  END IF;
END \$\$;"
    if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1; then
        (cd / && runuser -u postgres -- env -u PGHOST -u PGUSER -u PGPASSWORD psql -p "$PGPORT" -qc "$sql")
    else
        (cd / && sudo -u postgres env -u PGHOST -u PGUSER -u PGPASSWORD psql -p "$PGPORT" -qc "$sql")
    fi
    psql -d postgres -tAc "select 1" >/dev/null || die "cannot log in to PostgreSQL as $PGUSER on $PGHOST:$PGPORT"
else
    say "PostgreSQL answers as $PGUSER on $PGHOST:$PGPORT"
fi
mkdir -p "$DSO_DATA_DIR"
say "ready"
