"""Strict test runner for dso_dunning (``make test``).

1. Builds, once, a template database holding only the addon's dependencies,
   named after a hash of those dependencies and of Odoo's release file.
2. Clones it (database and filestore) for this run, installs dso_dunning and
   runs its tests on a free HTTP port.
3. Fails when odoo-bin exits non-zero, when the summary line is missing, when
   no test ran, and when any test failed, errored or was skipped (a skipped
   browser test means Chromium or websocket-client is missing).
4. Prints one line ``N passed, N failed`` (and skipped), drops the database.

Environment: see scripts/env.sh. ``TEST_TAGS`` narrows the run, for example
``TEST_TAGS=/dso_dunning:TestSecurity``.
"""

import ast
import fcntl
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

REPO = os.environ["REPO_DIR"]
ODOO_SRC = os.environ["ODOO_SRC"]
VENV = os.environ["VENV"]
DATA_DIR = os.environ["DSO_DATA_DIR"]
ADDONS_PATH = os.environ["ADDONS_PATH"]
MODULE = "dso_dunning"

SUMMARY_RE = re.compile(
    r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)
SKIP_RE = re.compile(r"odoo\.addons\.\S+: skipped (\S+)")
FAIL_RE = re.compile(r"(FAIL|ERROR): (\S+)")
LOG_LINE_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) ")
SHOWN_LEVELS = {"WARNING", "ERROR", "CRITICAL"}


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


def dependencies():
    with open(os.path.join(REPO, MODULE, "__manifest__.py"), encoding="utf-8") as f:
        return sorted(ast.literal_eval(f.read())["depends"])


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


def odoo_cmd(db, *args):
    return [
        os.path.join(VENV, "bin", "python"),
        os.path.join(ODOO_SRC, "odoo-bin"),
        f"--addons-path={ADDONS_PATH}",
        f"--data-dir={DATA_DIR}",
        f"--database={db}",
        "--db-filter=.*",
        "--http-interface=127.0.0.1",
        f"--http-port={free_port()}",
        "--max-cron-threads=0",
        *args,
    ]


def ensure_template(deps):
    """The template database, built once; concurrent runs wait for the builder."""
    os.makedirs(os.path.join(DATA_DIR, "filestore"), exist_ok=True)
    with open(os.path.join(DATA_DIR, "template.lock"), "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _ensure_template(deps)


def _ensure_template(deps):
    name = template_name(deps)
    filestore = os.path.join(DATA_DIR, "filestore", name)
    if db_exists(name) and os.path.isdir(filestore):
        return name
    log(f"building template database {name} with {', '.join(deps)} (once)")
    building = f"{name}_building"
    drop_db(building)
    drop_db(name)
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
    cmd = [
        os.path.join(VENV, "bin", "python"),
        os.path.join(ODOO_SRC, "odoo-bin"),
        "shell",
        f"--addons-path={ADDONS_PATH}",
        f"--data-dir={DATA_DIR}",
        f"--database={db}",
        "--no-http",
        "--log-level=warn",
    ]
    code = "env['ir.qweb']._pregenerate_assets_bundles()\nenv.cr.commit()\n"
    with open(logfile, "a", encoding="utf-8") as out:
        proc = subprocess.run(
            cmd, input=code, text=True, stdout=out, stderr=subprocess.STDOUT, check=False
        )
    if proc.returncode:
        sys.exit(f"[test] could not pregenerate the template's assets, log: {logfile}")


def clone(template, db):
    drop_db(db)
    subprocess.run(["createdb", "-T", template, db], check=True)
    shutil.copytree(
        os.path.join(DATA_DIR, "filestore", template), os.path.join(DATA_DIR, "filestore", db)
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


def run_tests(db, tags):
    logfile = os.path.join(DATA_DIR, "logs", f"{db}.log")
    cmd = odoo_cmd(
        db,
        "-i",
        MODULE,
        f"--test-tags={tags}",
        "--log-level=info",
        "--log-handler=odoo.tests.stats:DEBUG",  # time and queries of each test, in the log
    )
    summary, skipped, failures = None, [], []
    shown = False  # the last log record was shown: show its continuation lines too
    with open(logfile, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in proc.stdout:
            out.write(line)
            if match := LOG_LINE_RE.match(line):
                shown = match.group(1) in SHOWN_LEVELS or "odoo.tests.result" in line
                shown = shown or ": skipped " in line
            if shown or "[figures]" in line:
                sys.stdout.write(line)
            if "odoo.service.server: Starting post tests" in line:
                threading.Thread(target=disable_autovacuum, args=(db,)).start()
            if match := SUMMARY_RE.search(line):
                summary = tuple(int(n) for n in match.groups())
            if match := SKIP_RE.search(line):
                skipped.append(match.group(1))
            if " ERROR " in line and (match := FAIL_RE.search(line)):
                failures.append(f"{match.group(1)} {match.group(2)}")
        returncode = proc.wait()
    return returncode, summary, skipped, failures, logfile


def start_faults(template):
    """Start the process-level fault tests (scripts/fault_tests.py) in a thread,
    side by side with the Odoo suite (they mostly wait on servers and crons).
    Returns a function giving (passed, failed) once they are over."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import fault_tests

    result = [(0, len(fault_tests.SCENARIOS))]

    def target():
        result[0] = fault_tests.run(template)

    thread = threading.Thread(target=target, name="fault-tests")
    thread.start()

    def join():
        thread.join()
        return result[0]

    return join


def main():
    tags = os.environ.get("TEST_TAGS") or f"/{MODULE}"
    os.makedirs(os.path.join(DATA_DIR, "logs"), exist_ok=True)
    template = ensure_template(dependencies())
    db = f"dso_test_{os.getpid()}"
    clone(template, db)
    started = time.time()
    faults = None
    if not os.environ.get("TEST_TAGS") and os.environ.get("FAULT_TESTS", "1") != "0":
        faults = start_faults(template)
    try:
        returncode, summary, skipped, failures, logfile = run_tests(db, tags)
    finally:
        drop_db(db)
    problems = []
    if returncode:
        problems.append(f"odoo-bin exited with {returncode}")
    if summary is None:
        problems.append(
            "no test summary line (the module failed to install or the server could not start)"
        )
        failed = errors = total = 0
    else:
        failed, errors, total = summary
    if summary is not None and total == 0:
        problems.append(f"no test ran for --test-tags={tags}")
    if failed or errors:
        problems.append(f"{failed} failed, {errors} error(s): " + ", ".join(failures))
    if skipped:
        problems.append(
            f"{len(skipped)} skipped: {', '.join(skipped)} — a skipped browser test means "
            "Chromium (Debian package 'chromium') or the Python package websocket-client "
            "is missing: run 'make setup'"
        )
    passed = max(total - failed - errors - len(skipped), 0)
    if faults:
        fault_passed, fault_failed = faults()
        passed += fault_passed
        failed += fault_failed
        if fault_failed:
            problems.append(f"{fault_failed} process-level fault test(s) failed")
    log(f"log: {logfile} ({time.time() - started:.0f} s)")
    for problem in problems:
        log(f"FAILED: {problem}")
    print(f"{passed} passed, {failed + errors} failed, {len(skipped)} skipped", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
