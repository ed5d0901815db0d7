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
import hashlib
import os
import re
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


def drop_db(name):
    env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=True, env=env)
    shutil.rmtree(os.path.join(DATA_DIR, "filestore", name), ignore_errors=True)


def dependencies():
    with open(os.path.join(REPO, MODULE, "__manifest__.py"), encoding="utf-8") as f:
        return sorted(ast.literal_eval(f.read())["depends"])


def template_name(deps):
    digest = hashlib.sha1()
    digest.update(",".join(deps).encode())
    digest.update(DATA_DIR.encode())  # the template's files live in this data dir
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
    psql(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    os.makedirs(os.path.join(DATA_DIR, "filestore"), exist_ok=True)
    src = os.path.join(DATA_DIR, "filestore", building)
    if os.path.isdir(src):
        os.rename(src, filestore)
    else:
        os.makedirs(filestore)
    log(f"template ready in {time.time() - started:.0f} s")
    return name


def clone(template, db):
    drop_db(db)
    subprocess.run(["createdb", "-T", template, db], check=True)
    shutil.copytree(
        os.path.join(DATA_DIR, "filestore", template), os.path.join(DATA_DIR, "filestore", db)
    )


def run_tests(db, tags):
    logfile = os.path.join(DATA_DIR, "logs", f"{db}.log")
    cmd = odoo_cmd(db, "-i", MODULE, f"--test-tags={tags}", "--log-level=info")
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
            if match := SUMMARY_RE.search(line):
                summary = tuple(int(n) for n in match.groups())
            if match := SKIP_RE.search(line):
                skipped.append(match.group(1))
            if " ERROR " in line and (match := FAIL_RE.search(line)):
                failures.append(f"{match.group(1)} {match.group(2)}")
        returncode = proc.wait()
    return returncode, summary, skipped, failures, logfile


def run_faults(template):
    """Process-level fault tests (scripts/fault_tests.py); skipped when TEST_TAGS narrows."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import fault_tests

    return fault_tests.run(template)


def main():
    tags = os.environ.get("TEST_TAGS") or f"/{MODULE}"
    os.makedirs(os.path.join(DATA_DIR, "logs"), exist_ok=True)
    template = ensure_template(dependencies())
    db = f"dso_test_{os.getpid()}"
    clone(template, db)
    started = time.time()
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
    if not os.environ.get("TEST_TAGS") and os.environ.get("FAULT_TESTS", "1") != "0":
        fault_passed, fault_failed = run_faults(template)
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
