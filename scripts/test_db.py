"""Test databases of ``make test``: the template, its clones, the asset cache.

1. A template database holding only the addon's dependencies is built once,
   named after a hash of those dependencies and of Odoo's release file, with
   every asset bundle pregenerated.
2. Each run (each shard of a run) clones it, database and filestore.
3. The bundles a run builds for the addon are kept in a "warm" copy of the
   template for the next run (see ``keep_assets``).

Environment: see scripts/env.sh.
"""

import ast
import contextlib
import fcntl
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time

REPO = os.environ["REPO_DIR"]
ODOO_SRC = os.environ["ODOO_SRC"]
VENV = os.environ["VENV"]
DATA_DIR = os.environ["DSO_DATA_DIR"]
ADDONS_PATH = os.environ["ADDONS_PATH"]
MODULE = "dso_dunning"


def log(msg):
    print(f"[test] {msg}", flush=True)


def psql(sql, db="postgres"):
    out = subprocess.run(
        ["psql", "-d", db, "-tAc", sql], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def db_exists(name):
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def drop_db(name, attempts=10):
    """Drop a database and its filestore. Retried: a connection we may not
    terminate (another role's, e.g. autovacuum) usually goes away by itself."""
    env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    for attempt in range(attempts):
        out = subprocess.run(
            ["dropdb", "--if-exists", "--force", name],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if not out.returncode:
            break
        if attempt == attempts - 1:
            raise RuntimeError(f"could not drop database {name}: {out.stderr.strip()}")
        time.sleep(1)
    shutil.rmtree(os.path.join(DATA_DIR, "filestore", name), ignore_errors=True)


# Installed in the test databases only, never a dependency of the addon:
# Odoo's demo payment provider, for the customer page's payments.
TEST_ONLY_MODULES = ["payment_demo"]


def dependencies():
    with open(os.path.join(REPO, MODULE, "__manifest__.py"), encoding="utf-8") as f:
        return sorted(ast.literal_eval(f.read())["depends"] + TEST_ONLY_MODULES)


def template_name(deps):
    digest = hashlib.sha1()
    digest.update(",".join(deps).encode())
    digest.update(DATA_DIR.encode())  # the template's files live in this data dir
    digest.update(b"assets-pregenerated")  # templates built since assets are pregenerated
    with open(os.path.join(ODOO_SRC, "odoo", "release.py"), "rb") as f:
        digest.update(f.read())
    return f"dso_tpl_{digest.hexdigest()[:12]}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_base(db, *head):
    """``odoo-bin`` (then ``head``: a subcommand, options) on ``db`` with our paths."""
    return [
        os.path.join(VENV, "bin", "python"),
        os.path.join(ODOO_SRC, "odoo-bin"),
        *head,
        f"--addons-path={ADDONS_PATH}",
        f"--data-dir={DATA_DIR}",
        f"--database={db}",
    ]


def odoo_cmd(db, *args):
    return [
        *odoo_base(db),
        "--db-filter=.*",
        "--http-interface=127.0.0.1",
        f"--http-port={free_port()}",
        "--max-cron-threads=0",
        *args,
    ]


def ensure_template(deps):
    """The template database, built once; concurrent runs wait for the builder."""
    for folder in ("filestore", "logs"):
        os.makedirs(os.path.join(DATA_DIR, folder), exist_ok=True)
    with template_lock():
        return _ensure_template(deps)


@contextlib.contextmanager
def template_lock():
    """Serialises the runs that build, clone or refresh template databases."""
    with open(os.path.join(DATA_DIR, "template.lock"), "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _ensure_template(deps):
    name = template_name(deps)
    filestore = os.path.join(DATA_DIR, "filestore", name)
    if db_exists(name) and os.path.isdir(filestore):
        return name
    log(f"building template database {name} with {', '.join(deps)} (once)")
    building = f"{name}_building"
    drop_db(building)
    drop_db(name)
    drop_db(warm_name(name))
    started = time.time()
    logfile = os.path.join(DATA_DIR, "logs", f"{building}.log")
    with open(logfile, "w", encoding="utf-8") as out:
        proc = subprocess.run(
            odoo_cmd(building, "-i", ",".join(deps), "--stop-after-init"),
            check=False,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if proc.returncode:
        with open(logfile, encoding="utf-8") as f:
            sys.stdout.write("".join(f.readlines()[-60:]))
        sys.exit(
            f"[test] could not build the template database (exit {proc.returncode}), log: {logfile}"
        )
    pregenerate_assets(building, logfile)
    psql(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    os.makedirs(os.path.join(DATA_DIR, "filestore"), exist_ok=True)
    src = os.path.join(DATA_DIR, "filestore", building)
    if os.path.isdir(src):
        os.rename(src, filestore)
    else:
        os.makedirs(filestore)
    log(f"template ready in {time.time() - started:.0f} s")
    return name


def pregenerate_assets(db, logfile):
    """Generate every asset bundle in the template, once.

    Odoo pregenerates all bundles before the first browser test of a run
    (about 40 s, minutes on a loaded machine). Bundles are attachments named
    after a hash of their content: the ones dso_dunning does not extend (unit
    test, QUnit, frontend, report bundles...) are then found in every clone
    and only the bundles the addon changes are built again.
    """
    code = "env['ir.qweb']._pregenerate_assets_bundles()\nenv.cr.commit()\n"
    if _shell(db, code, logfile):
        sys.exit(f"[test] could not pregenerate the template's assets, log: {logfile}")


def _shell(db, code, logfile):
    """Run ``code`` in ``odoo-bin shell`` on ``db``, appending its output to
    ``logfile``; return the exit code."""
    cmd = [*odoo_base(db, "shell"), "--no-http", "--log-level=warn"]
    with open(logfile, "a", encoding="utf-8") as out:
        proc = subprocess.run(
            cmd, input=code, text=True, stdout=out, stderr=subprocess.STDOUT, check=False
        )
    return proc.returncode


def generate_bundles(db, bundles, logfile):
    """Generate and commit the ``(name, "js"|"css")`` asset bundles in ``db``."""
    code = "".join(
        f"env['ir.qweb']._get_asset_bundle({name!r}, css={kind == 'css'}, js={kind == 'js'})"
        f".{kind}()\n"
        for name, kind in sorted(bundles)
    )
    if _shell(db, code + "env.cr.commit()\n", logfile):
        log(f"WARNING: could not generate the lazily loaded bundles, log: {logfile}")


def copy_filestore(src_db, dst_db):
    """Hard links: Odoo never rewrites a stored file (its name is its hash)."""
    shutil.copytree(
        os.path.join(DATA_DIR, "filestore", src_db),
        os.path.join(DATA_DIR, "filestore", dst_db),
        copy_function=os.link,
    )


def clone(source, db):
    drop_db(db)
    subprocess.run(["createdb", "-T", source, db], check=True)
    copy_filestore(source, db)


def clone_template(template, db):
    """Clone the template, with the asset bundles of the last run when kept."""
    with template_lock():
        warm = warm_name(template)
        clone(warm if db_exists(warm) else template, db)


# Asset bundles the addon changes (web.assets_web, the unit-test bundles...)
# take about a minute to build before the first browser test. Odoo names each
# bundle after a hash of its files and their modification times, so the
# bundles a run built are still right for the next run of the same checkout:
# they are kept in a "warm" copy of the template (template + the bundle
# attachments, dso_dunning not installed). A changed file changes the hash
# and Odoo builds that bundle again.
ASSETS_WHERE = (
    "url LIKE '/web/assets/%' AND res_model = 'ir.ui.view' AND res_id = 0 "
    "AND public AND create_uid = 1"
)


def warm_name(template):
    return f"{template}_warm"


def asset_rows(db, columns):
    """The bundle attachments of ``db`` in COPY text format (not stripped)."""
    sql = f"COPY (SELECT {columns} FROM ir_attachment WHERE {ASSETS_WHERE}) TO STDOUT"
    out = subprocess.run(["psql", "-d", db, "-qc", sql], check=True, capture_output=True)
    return out.stdout


def keep_assets(template, db):
    """Make the warm template hold the asset bundles of ``db`` (a finished run)."""
    warm = warm_name(template)
    urls = f"SELECT url FROM ir_attachment WHERE {ASSETS_WHERE} ORDER BY url"
    with template_lock():
        if db_exists(warm) and psql(urls, warm) == psql(urls, db):
            return
        columns = psql(
            "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) "
            "FROM information_schema.columns "
            "WHERE table_name = 'ir_attachment' AND column_name <> 'id'",
            template,
        )
        rows = asset_rows(db, columns)
        building = f"{warm}_building"
        drop_db(building)
        subprocess.run(["createdb", "-T", template, building], check=True)
        copy_filestore(template, building)
        psql(f"DELETE FROM ir_attachment WHERE {ASSETS_WHERE}", building)
        subprocess.run(
            ["psql", "-d", building, "-qc", f"COPY ir_attachment ({columns}) FROM STDIN"],
            input=rows,
            check=True,
            capture_output=True,
        )
        store = psql(f"SELECT store_fname FROM ir_attachment WHERE {ASSETS_WHERE}", building)
        for fname in filter(None, store.splitlines()):
            dst = os.path.join(DATA_DIR, "filestore", building, fname)
            if not os.path.exists(dst):
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                os.link(os.path.join(DATA_DIR, "filestore", db, fname), dst)
        drop_db(warm)
        psql(f'ALTER DATABASE "{building}" RENAME TO "{warm}"')
        os.rename(
            os.path.join(DATA_DIR, "filestore", building), os.path.join(DATA_DIR, "filestore", warm)
        )


# Autovacuum must not touch the test database while tests run: every test
# rolls back, so a table holds only dead rows between tests; a vacuum that
# cannot truncate it (tests hold locks) records reltuples = 0 with relpages > 0,
# the planner then estimates 0 rows whatever the table holds, and a query such
# as account's payment-state join turns into nested sequential scans that run
# for minutes. Turned off per table (we own them) once the modules are loaded.
NO_AUTOVACUUM = """
SET lock_timeout = '10s';
DO $$
DECLARE rel regclass;
BEGIN
    FOR rel IN SELECT c.oid::regclass FROM pg_class c
               WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
    LOOP
        EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = false)', rel);
    END LOOP;
END $$;
"""


def disable_autovacuum(db):
    try:
        psql(NO_AUTOVACUUM, db)
    except subprocess.CalledProcessError as error:
        log(f"WARNING: could not turn autovacuum off in {db}: {error.stderr.strip()}")
