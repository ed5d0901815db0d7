"""Strict test runner for dso_dunning (``make test``).

1. Clones the template database (scripts/test_db.py) once per shard: the
   test classes are split over ``TEST_SHARDS`` Odoo processes (2 by default,
   one per core), each installing dso_dunning in its own database on its own
   HTTP port. The linters and the process-level fault tests
   (scripts/fault_tests.py) run alongside.
2. Fails when an odoo-bin exits non-zero, when a summary line is missing,
   when no test ran, when any test failed, errored or was skipped (a skipped
   browser test means Chromium or websocket-client is missing), when a fault
   test failed and when the linters complain.
3. Prints one line ``N passed, N failed`` (and skipped), drops the databases.

Environment: see scripts/env.sh. ``TEST_TAGS`` narrows the run to one
process, for example ``TEST_TAGS=/dso_dunning:TestSecurity`` (no fault tests).
"""

import os
import re
import subprocess
import sys
import threading
import time

import shards
import test_db
from test_db import DATA_DIR, MODULE, REPO, log

SUMMARY_RE = re.compile(
    r"odoo\.tests\.result: (\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database"
)
SKIP_RE = re.compile(r"odoo\.addons\.\S+: skipped (\S+)")
FAIL_RE = re.compile(r"(FAIL|ERROR): (\S+)")
LOG_LINE_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) ")
SHOWN_LEVELS = {"WARNING", "ERROR", "CRITICAL"}
ASSETS_BUILT = "odoo.addons.base.models.ir_qweb: JS Assets bundles generated"
# A bundle the web client loads lazily (emoji picker, bus worker, charts...)
# is generated inside a test's transaction and rolled back with it: built
# again by every browser test that needs it unless the warm template has it.
LAZY_BUNDLE_RE = re.compile(
    r"Generating a new asset bundle attachment /web/assets/[^/]+/([\w.]+)\.min\.(js|css) "
)
OUTPUT_LOCK = threading.Lock()


class Shard:
    """One Odoo process running some of the test classes in its own database."""

    def __init__(self, template, index, tags):
        self.template = template
        self.db = f"dso_test_{os.getpid()}_{index}"
        self.tags = tags
        self.logfile = os.path.join(DATA_DIR, "logs", f"{self.db}.log")
        self.returncode = None
        self.summary = None
        self.skipped = []
        self.failures = []
        self.built_assets = False
        self.lazy_bundles = set()
        self.error = None
        self.seconds = 0.0

    def run(self):
        started = time.time()
        try:
            test_db.clone_template(self.template, self.db)
            self._run()
            if self.lazy_bundles:
                test_db.generate_bundles(self.db, self.lazy_bundles, self.logfile)
            if self.built_assets or self.lazy_bundles:
                test_db.keep_assets(self.template, self.db)
        except Exception as error:  # noqa: BLE001 — reported as a failure of the run
            self.error = repr(error)
        finally:
            test_db.drop_db(self.db)
            self.seconds = time.time() - started

    def _run(self):
        cmd = test_db.odoo_cmd(
            self.db,
            "-i",
            MODULE,
            f"--test-tags={self.tags}",
            "--log-level=info",
            "--log-handler=odoo.tests.stats:DEBUG",  # time and queries per test, in the log
        )
        shown = False  # the last log record was shown: show its continuation lines too
        with open(self.logfile, "w", encoding="utf-8") as out:
            proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            for line in proc.stdout:
                out.write(line)
                if match := LOG_LINE_RE.match(line):
                    shown = match.group(1) in SHOWN_LEVELS or "odoo.tests.result" in line
                    shown = shown or ": skipped " in line
                if shown or "[figures]" in line:
                    with OUTPUT_LOCK:
                        sys.stdout.write(line)
                        sys.stdout.flush()
                self._parse(line)
            self.returncode = proc.wait()

    def _parse(self, line):
        if "odoo.service.server: Starting post tests" in line:
            threading.Thread(target=test_db.disable_autovacuum, args=(self.db,)).start()
        if ASSETS_BUILT in line:
            self.built_assets = True
        if match := LAZY_BUNDLE_RE.search(line):
            self.lazy_bundles.add(match.groups())
        if match := SUMMARY_RE.search(line):
            self.summary = tuple(int(n) for n in match.groups())
        if match := SKIP_RE.search(line):
            self.skipped.append(match.group(1))
        if " ERROR " in line and (match := FAIL_RE.search(line)):
            self.failures.append(f"{match.group(1)} {match.group(2)}")

    def problems(self):
        if self.error:
            return [f"{self.db}: {self.error}"]
        problems = []
        if self.returncode:
            problems.append(f"{self.db}: odoo-bin exited with {self.returncode}")
        if self.summary is None:
            problems.append(
                f"{self.db}: no test summary line (the module failed to install or the "
                "server could not start)"
            )
        elif self.summary[2] == 0:
            problems.append(f"{self.db}: no test ran for --test-tags={self.tags}")
        return problems


def start(target, *args):
    """Run ``target(*args)`` in a thread; return a function joining it."""
    result = []
    thread = threading.Thread(target=lambda: result.append(target(*args)))
    thread.start()

    def join():
        thread.join()
        return result[0] if result else None

    return join


def lint():
    """``make lint``'s script; (ok, output)."""
    out = subprocess.run(
        ["bash", os.path.join(REPO, "scripts", "lint.sh")],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.returncode == 0, out.stdout + out.stderr


def faults(template):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import fault_tests  # aiosmtpd is imported only when the fault tests run

    return fault_tests.run(template)


def main():
    tags = os.environ.get("TEST_TAGS")
    full = not tags
    template = test_db.ensure_template(test_db.dependencies())
    started = time.time()
    joins = {"lint": start(lint)}
    if full and os.environ.get("FAULT_TESTS", "1") != "0":
        joins["faults"] = start(faults, template)
    timings = shards.load_timings()
    if full:
        count = int(os.environ.get("TEST_SHARDS") or min(2, os.cpu_count() or 1))
        shard_tags = shards.split(shards.test_classes(), timings, count)
    else:
        shard_tags = [tags]
    runs = [Shard(template, i, t) for i, t in enumerate(shard_tags, 1)]
    threads = [threading.Thread(target=shard.run) for shard in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    shards.save_timings(timings, [shard.logfile for shard in runs])

    problems = [problem for shard in runs for problem in shard.problems()]
    summaries = [shard.summary for shard in runs if shard.summary]
    failed, errors, total = (
        (sum(column) for column in zip(*summaries, strict=True)) if summaries else (0, 0, 0)
    )
    failures = [failure for shard in runs for failure in shard.failures]
    skipped = [name for shard in runs for name in shard.skipped]
    if failed or errors:
        problems.append(f"{failed} failed, {errors} error(s): " + ", ".join(failures))
    if skipped:
        problems.append(
            f"{len(skipped)} skipped: {', '.join(skipped)} — a skipped browser test means "
            "Chromium (Debian package 'chromium') or the Python package websocket-client "
            "is missing: run 'make setup'"
        )
    passed = max(total - failed - errors - len(skipped), 0)
    if "faults" in joins:
        fault_passed, fault_failed = joins["faults"]() or (0, 1)
        passed += fault_passed
        failed += fault_failed
        if fault_failed:
            problems.append(f"{fault_failed} process-level fault test(s) failed")
    ok, output = joins["lint"]()
    sys.stdout.write(output)
    if not ok:
        problems.append("lint failed (see above; 'make lint' runs the linters alone)")
    logs = ", ".join(shard.logfile for shard in runs)
    seconds = ", ".join(f"{shard.seconds:.0f}" for shard in runs)
    log(f"{len(runs)} Odoo process(es) in {seconds} s, logs: {logs}")
    log(f"whole run {time.time() - started:.0f} s")
    for problem in problems:
        log(f"FAILED: {problem}")
    print(f"{passed} passed, {failed + errors} failed, {len(skipped)} skipped", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
