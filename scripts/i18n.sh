#!/usr/bin/env bash
# make i18n: regenerate dso_dunning/i18n/dso_dunning.pot from the code and
# merge it into fr.po (new terms arrive untranslated: translate them, the
# test suite fails until every term has its French text).
set -euo pipefail
source "$(dirname "$0")/env.sh"
DB=dso_i18n_$$
conf="$DSO_DATA_DIR/i18n-$$.conf"
cat > "$conf" <<CONF
[options]
addons_path = $ADDONS_PATH
data_dir = $DSO_DATA_DIR
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = $PGPASSWORD
CONF
trap 'dropdb --if-exists --force "$DB" >/dev/null 2>&1; rm -rf "$conf" "$DSO_DATA_DIR/filestore/$DB"' EXIT
odoo=("$VENV/bin/python" "$ODOO_SRC/odoo-bin")
"${odoo[@]}" -c "$conf" -d "$DB" -i dso_dunning --stop-after-init --log-level=warn --http-port=0
"${odoo[@]}" i18n export -c "$conf" -d "$DB" dso_dunning -o "$REPO_DIR/dso_dunning/i18n/dso_dunning.pot"
po="$REPO_DIR/dso_dunning/i18n/fr.po"
if [ -f "$po" ]; then
    msgmerge --quiet --no-fuzzy-matching --no-wrap --update --backup=none "$po" "$REPO_DIR/dso_dunning/i18n/dso_dunning.pot"
else
    msginit --no-translator --no-wrap --locale=fr_FR --input="$REPO_DIR/dso_dunning/i18n/dso_dunning.pot" --output-file="$po"
fi
echo "[i18n] untranslated in fr.po: $(msgattrib --untranslated "$po" | grep -c '^msgid ' || true)"
