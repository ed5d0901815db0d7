"""Split the test classes of dso_dunning over several Odoo processes.

Classes are read from the test files' source (``class Test…``) and given to
the process with the least work so far, longest first. A class's weight is
its duration in the last run (``odoo.tests.stats`` report in the logs, kept
in ``$DSO_DATA_DIR/test_timings.json``), else a default. The last process
runs the whole module minus the classes given to the others, so a class this
split does not know about still runs.
"""

import ast
import json
import os
import re

from test_db import DATA_DIR, MODULE, REPO

# Odoo's own test classes that ``make test`` runs on a database where
# dso_dunning is installed (run_tests.CoreShard): the addon must cost nothing
# to the rest of the ERP, query counts included. All are post-install
# classes. CORE_MODULES are the test-only addons that hold some of them.
CORE_MODULES = ["test_mail"]
CORE_TAGS = [
    # Query counts of posting, notifying, sending and tracking mail.
    "/test_mail:TestBaseMailPerformance",
    "/test_mail:TestBaseAPIPerformance",
    "/test_mail:TestMailAPIPerformance",
    "/test_mail:TestMessageToStorePerformance",
    "/test_mail:TestPerformance",
    # Customer invoices, payments, reconciliation.
    "/account:TestAccountMoveOutInvoiceOnchanges",
    "/account:TestAccountPayment",
    # Its two subtests "without/with mixed outstanding" skip in Community
    # (no "in payment" state without Accounting), and a skip fails the run.
    "-/account:TestAccountPayment.test_invoice_paid_hook_called_in_various_scenarios",
    "/account:TestAccountMoveReconcile",
]
TIMINGS = os.path.join(DATA_DIR, "test_timings.json")
DEFAULT_WEIGHT = 5.0
# "\tdso_dunning.test_alerts.TestAlerts: 9.74s 6046 queries"
CLASS_TIME_RE = re.compile(rf"^\t{MODULE}\.test_\w+\.(Test\w+): (-?[\d.]+)s \d+ queries$")


def test_classes():
    """Names of the test classes of the addon, from the test files."""
    folder = os.path.join(REPO, MODULE, "tests")
    names = set()
    for filename in sorted(os.listdir(folder)):
        if filename.startswith("test_") and filename.endswith(".py"):
            with open(os.path.join(folder, filename), encoding="utf-8") as f:
                tree = ast.parse(f.read())
            names.update(
                node.name
                for node in tree.body
                if isinstance(node, ast.ClassDef) and node.name.startswith("Test")
            )
    return sorted(names)


def split(classes, timings, count):
    """``count`` --test-tags values sharing ``classes`` by expected duration."""
    if count <= 1 or len(classes) < count:
        return [f"/{MODULE}"]
    loads = [[0.0, []] for _ in range(count)]
    weighted = sorted(classes, key=lambda name: (-timings.get(name, DEFAULT_WEIGHT), name))
    for name in weighted:
        lightest = min(loads, key=lambda load: load[0])
        lightest[0] += timings.get(name, DEFAULT_WEIGHT)
        lightest[1].append(name)
    *others, _last = [sorted(names) for _load, names in loads]
    tags = [",".join(f"/{MODULE}:{name}" for name in names) for names in others]
    excluded = [name for names in others for name in names]
    tags.append(",".join([f"/{MODULE}", *(f"-/{MODULE}:{name}" for name in excluded)]))
    return tags


def load_timings():
    try:
        with open(TIMINGS, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save_timings(timings, logfiles):
    """Merge the class durations reported in ``logfiles`` into the timings file."""
    for logfile in logfiles:
        try:
            with open(logfile, encoding="utf-8") as f:
                for line in f:
                    match = CLASS_TIME_RE.match(line.rstrip("\n"))
                    # Tests under freezegun may report nonsense: keep sane values.
                    if match and 0 <= float(match.group(2)) < 3600:
                        timings[match.group(1)] = round(float(match.group(2)), 2)
        except OSError:
            continue
    known = set(test_classes())
    with open(TIMINGS, "w", encoding="utf-8") as f:
        json.dump({k: v for k, v in timings.items() if k in known}, f, indent=1, sort_keys=True)
