"""Shared helpers of the benchmark scripts: database names, Odoo as a library.

The scripts run with the project's virtualenv (``scripts/env.sh``). They load
Odoo from ``$ODOO_SRC`` in-process, so that the benchmark can count queries
(``cr.sql_log_count``) and read the peak RSS of exactly one measurement.
"""

import os
import subprocess
import sys

REPO = os.environ["REPO_DIR"]
ODOO_SRC = os.environ["ODOO_SRC"]
DATA_DIR = os.environ["DSO_DATA_DIR"]
ADDONS_PATH = os.environ["ADDONS_PATH"]
# Only the benchmark puts OCA's addon on the addons path (never the project).
OCA_TARGET = os.environ.get("DSO_BENCH_OCA_DIR", os.path.join(DATA_DIR, "bench", "oca"))
OCA_ADDONS = os.path.join(OCA_TARGET, "odoo", "addons")

# customers, invoices
SIZES = {"S": (1_000, 10_000), "M": (20_000, 200_000), "L": (100_000, 1_000_000)}

sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, "scripts"))
sys.path.insert(0, ODOO_SRC)


def db_name(size):
    return f"dso_bench_{size.lower()}"


def log(msg):
    print(f"[bench] {msg}", flush=True)


def odoo_bin(db, *args, addons_path=ADDONS_PATH):
    """Run odoo-bin on ``db`` (install/update), output to a log file."""
    import test_db

    cmd = test_db.odoo_cmd(db, *args)
    cmd = [
        arg if not arg.startswith("--addons-path=") else f"--addons-path={addons_path}"
        for arg in cmd
    ]
    logfile = os.path.join(DATA_DIR, "logs", f"{db}-bench.log")
    os.makedirs(os.path.dirname(logfile), exist_ok=True)
    with open(logfile, "a", encoding="utf-8") as out:
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, check=False)
    if proc.returncode:
        sys.exit(f"[bench] odoo-bin {' '.join(args)} failed, see {logfile}")


def open_registry(db, addons_path=ADDONS_PATH):
    """Load Odoo's registry of ``db`` in this process and return it."""
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(
        [
            f"--addons-path={addons_path}",
            f"--data-dir={DATA_DIR}",
            f"--database={db}",
            "--log-level=warn",
            "--max-cron-threads=0",
        ],
        setup_logging=True,
    )
    odoo.tools.config["without_demo"] = True
    return Registry(db)


def peak_rss_reset():
    """Reset the kernel's high-water mark of this process (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
    except OSError:
        pass


def peak_rss_mb():
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0
