"""Strict test runner for dso_dunning (``make test``).

1. Clones the template database (scripts/test_db.py) once per shard: the
   test classes are split over ``TEST_SHARDS`` Odoo processes (2 by default,
   one per core), each installing dso_dunning in its own database on its own
   HTTP port. A further process runs a selection of Odoo's own test classes
   on a database where dso_dunning is installed (``CoreShard``,
   ``shards.CORE_TAGS``). The linters and the process-level fault tests
   (scripts/fault_tests.py) run alongside.
2. Fails when an odoo-bin exits non-zero, when a summary line is missing,
   when no test ran, when any test failed, errored or was skipped (a skipped
   browser test means Chromium or websocket-client is missing), when a fault
   test failed and when the linters complain.
3. Prints one line ``N passed, N failed`` (and skipped), drops the databases.

Environment: see scripts/env.sh. ``TEST_TAGS`` narrows the run to one
process, for example ``TEST_TAGS=/dso_dunning:TestSecurity`` (no fault tests,
no Odoo classes). ``CORE_TESTS=0`` leaves Odoo's classes out; ``CORE_ONLY=1``
runs only them, ``CORE_TAGS`` and ``CORE_MODULES`` (comma-separated) replace
their selection and the test-only addons installed for it.
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
SKIP_RE = re.compile(r"odoo\.addons\.\S+: skipped (?:Subtest )?(\S+)")
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

    keeps_assets = True  # the asset bundles it builds are dso_dunning's: kept for the next run
    autovacuum_off_at_post_tests = True  # once dso_dunning is installed, by the test run

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
            with open(self.logfile, "w", encoding="utf-8"):
                pass  # a fresh log, each odoo-bin run appends to it
            self._run()
            if self.lazy_bundles:
                test_db.generate_bundles(self.db, self.lazy_bundles, self.logfile)
            if self.keeps_assets and (self.built_assets or self.lazy_bundles):
                test_db.keep_assets(self.template, self.db)
        except Exception as error:  # noqa: BLE001 — reported as a failure of the run
            self.error = repr(error)
        finally:
            test_db.drop_db(self.db)
            self.seconds = time.time() - started

    def _run(self):
        self._test("-i", MODULE, tags=self.tags)

    def _test(self, *install, tags):
        """One odoo-bin run of the tests selected by ``tags``, installing
        ``install`` (odoo-bin options) first; output parsed and logged."""
        cmd = test_db.odoo_cmd(
            self.db,
            *install,
            f"--test-tags={tags}",
            "--log-level=info",
            "--log-handler=odoo.tests.stats:DEBUG",  # time and queries per test, in the log
        )
        shown = False  # the last log record was shown: show its continuation lines too
        with open(self.logfile, "a", encoding="utf-8") as out:
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
            self.returncode = self.returncode or proc.wait()

    def _parse(self, line):
        post_tests = "odoo.service.server: Starting post tests" in line
        if post_tests and self.autovacuum_off_at_post_tests:
            threading.Thread(target=test_db.disable_autovacuum, args=(self.db,)).start()
        if ASSETS_BUILT in line:
            self.built_assets = True
        if match := LAZY_BUNDLE_RE.search(line):
            self.lazy_bundles.add(match.groups())
        if match := SUMMARY_RE.search(line):
            counts = tuple(int(n) for n in match.groups())
            # Summed over the odoo-bin runs of the shard.
            self.summary = tuple(map(sum, zip(self.summary or (0, 0, 0), counts, strict=True)))
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


class CoreShard(Shard):
    """Odoo's own test classes on a database where dso_dunning is installed.

    A class must run with dso_dunning in the registry. Odoo runs a module's
    at-install classes right after loading that module, and loads modules
    by depth (a test-only addon right after its last dependency), those to
    install after those installed. Its post-install phase takes the modules
    just installed or updated, or every module when none is. Hence three
    odoo-bin runs on the clone of the template:

    1. ``-i dso_dunning``, no test;
    2. ``-i`` the test-only addons (``modules``, e.g. test_mail) with the
       tags naming them: installed after dso_dunning, their at-install and
       post-install classes both see it;
    3. no ``-i``, the other tags: post-install classes of installed modules
       (account, mail...). Their at-install classes run while their module
       loads, before dso_dunning, which depends on them: not worth selecting.
    """

    keeps_assets = False  # test-only addons change the bundles: not the addon's own
    # Off before each test run instead, not alongside the tests: while it
    # alters every table, a test adding a column in its repeatable-read
    # transaction may no longer see its table (account's analytic plan
    # tests failed with 'relation "account_analytic_line" already exists').
    autovacuum_off_at_post_tests = False

    def __init__(self, template, tags, modules):
        super().__init__(template, "core", tags)
        self.modules = modules

    def _run(self):
        self._install(MODULE)
        own, installed = [], []
        for tag in filter(None, (tag.strip() for tag in self.tags.split(","))):
            module = tag_module(tag)
            if module is None and tag.startswith("-"):  # an exclusion for both runs
                own.append(tag)
                installed.append(tag)
            else:
                (own if module in self.modules else installed).append(tag)
        # Exclusions alone would select every standard test: a run needs an inclusion.
        if any(not tag.startswith("-") for tag in own):
            test_db.disable_autovacuum(self.db)
            self._test("-i", ",".join(self.modules), tags=",".join(own))
        if any(not tag.startswith("-") for tag in installed):
            test_db.disable_autovacuum(self.db)
            self._test(tags=",".join(installed))

    def _install(self, modules):
        cmd = test_db.odoo_cmd(self.db, "-i", modules, "--stop-after-init")
        with open(self.logfile, "a", encoding="utf-8") as out:
            returncode = subprocess.run(
                cmd, stdout=out, stderr=subprocess.STDOUT, check=False
            ).returncode
        if returncode:
            raise RuntimeError(
                f"installing {modules} failed (exit {returncode}), log: {self.logfile}"
            )


def tag_module(tag):
    """The module a ``--test-tags`` item names (``-/account:Class`` → account), or None."""
    match = re.match(r"^[-+]?\w*/(\w+)", tag.strip())
    return match.group(1) if match else None


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


def core_shard(template):
    """The shard of Odoo's own classes: ``shards.CORE_TAGS`` unless
    ``CORE_TAGS``/``CORE_MODULES`` say otherwise."""
    tags = os.environ.get("CORE_TAGS") or ",".join(shards.CORE_TAGS)
    modules = os.environ.get("CORE_MODULES")
    modules = modules.split(",") if modules is not None else shards.CORE_MODULES
    return CoreShard(template, tags, [module for module in modules if module])


def main():
    tags = os.environ.get("TEST_TAGS")
    core_only = os.environ.get("CORE_ONLY") == "1"
    full = not tags and not core_only
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
        shard_tags = [tags] if tags else []
    runs = [Shard(template, i, t) for i, t in enumerate(shard_tags, 1)]
    if core_only or (full and os.environ.get("CORE_TESTS", "1") != "0"):
        runs.append(core_shard(template))
    threads = [threading.Thread(target=shard.run) for shard in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    shards.save_timings(timings, [shard.logfile for shard in runs if type(shard) is Shard])

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
