#!/usr/bin/env bash
# make run: Odoo on http://127.0.0.1:8069 with the demo database (admin / admin).
set -euo pipefail
source "$(dirname "$0")/env.sh"
DB=${DB:-dso_demo}
PORT=${PORT:-8069}
odoo=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" "--addons-path=$ADDONS_PATH" "--data-dir=$DSO_DATA_DIR" -d "$DB")
if [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
    echo "[run] creating database $DB with dso_dunning, its demo data and the demo payment provider (about a minute)"
    "${odoo[@]}" -i dso_dunning,payment_demo --with-demo --load-language=en_US,fr_FR --stop-after-init --http-interface=127.0.0.1 --http-port="$PORT" --log-level=warn
    psql -q -d "$DB" -v ON_ERROR_STOP=1 -f "$(dirname "$0")/demo_in_euros.sql"
fi
echo "[run] Odoo on http://127.0.0.1:$PORT  (login admin / admin; chloe / chloe: a collector working in French)"
exec "${odoo[@]}" --db-filter="^$DB\$" --http-interface=127.0.0.1 --http-port="$PORT" "$@"
