"""Process-level fault tests: exactly once, proven with real processes.

Run by ``make test`` side by side with the Odoo test suite (see run_tests.py).
The database is prepared once, in one ``odoo-bin shell`` that installs the
addon and creates the data (40 customers, one planned email action each);
the scenarios then run side by side, each on its own copy of it with its own
SMTP server on 127.0.0.1 and its own ``odoo-bin`` servers with cron workers,
and count the messages the SMTP server receives against the actions:

- kill -9 of the cron worker in the middle of a sending batch, then restart;
- two servers sending at the same time plus "Send now" clicks over JSON-RPC;
- SMTP server down, then up;
- the cron worker's PostgreSQL connection killed mid-run: the same server
  goes on at the next trigger, without a restart.

Every wait is bounded; databases, filestores and processes are removed at the
end. Prints the figures of each scenario and returns (passed, failed).
"""

import contextlib
import email
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import test_db
from aiosmtpd.controller import Controller
from test_db import clone, db_exists, drop_db, free_port

REPO = os.environ["REPO_DIR"]
DATA_DIR = os.environ["DSO_DATA_DIR"]
CUSTOMERS = int(os.environ.get("FAULT_CUSTOMERS", "40"))
BATCH_SIZE = max(CUSTOMERS // 8, 1)
TIMEOUT = 180

PREPARE = """
import datetime
from odoo import api, fields
env["ir.module.module"].search([("name", "=", "dso_dunning")]).button_immediate_install()
env = api.Environment(env.cr, api.SUPERUSER_ID, {})
company = env.company
env["dso.dunning.demo"]._ensure_chart(company)
company.write({
    "dunning_send_hour_from": 0.0, "dunning_send_hour_to": 0.0,
    **{f"dunning_send_{d}": True for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    "email": "credit@company.example",
})
env["ir.mail_server"].create({
    "name": "Loopback", "smtp_host": "127.0.0.1", "smtp_port": int(SMTP_PORT),
    "smtp_encryption": "none", "sequence": 1,
})
# 8 batches: a batch commits in a fraction of a second, and the scenarios
# must see the run between two commits.
env["ir.config_parameter"].set_param("dso_dunning.send_batch_size", BATCH_SIZE)
today = fields.Date.context_today(company)
partners = env["res.partner"].create([
    {"name": f"Fault Customer {n}", "is_company": True, "email": f"customer{n}@fault.example"}
    for n in range(int(CUSTOMERS))
])
env["dso.dunning.demo"]._create_demo_invoices(
    [(partner, 10, 100.0 + n, 0.0) for n, partner in enumerate(partners)], today
)
env["dso.dunning.planner"]._plan(companies=company, partners=partners, force=True)
for xmlid in ("dso_dunning.ir_cron_dso_dunning_send", "dso_dunning.ir_cron_dso_dunning_plan",
              "mail.ir_cron_mail_scheduler_action"):
    env.ref(xmlid).nextcall = fields.Datetime.now() + datetime.timedelta(days=30)
env.cr.commit()
print("PREPARED", env["dso.dunning.action"].search_count([("state", "=", "planned")]))
"""


MAIL_QUEUE = """
env["mail.mail"].process_email_queue()
env.cr.commit()
"""


class Recorder:
    """SMTP DATA handler that records each recipient it accepts."""

    def __init__(self):
        self.recipients = []

    async def handle_DATA(self, server, session, envelope):
        email.message_from_bytes(envelope.content)
        self.recipients.extend(envelope.rcpt_tos)
        return "250 accepted"


def log(msg):
    print(f"[faults] {msg}", flush=True)


def psql(db, query):
    return test_db.psql(query, db)


def odoo_cmd(db, *args):
    return [*test_db.odoo_base(db, *args), f"--db-filter=^{db}$", "--log-level=warn"]


def shell(db, code, **values):
    for key, value in values.items():
        code = code.replace(key, str(value))
    out = subprocess.run(
        odoo_cmd(db, "shell", "--no-http"),
        input=code,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if out.returncode:
        raise RuntimeError(f"odoo shell failed: {out.stderr[-2000:]}")
    return out.stdout


class Server:
    """One ``odoo-bin`` server with cron workers, logging to a file."""

    def __init__(self, db, name, crons=1):
        self.db = db
        self.port = free_port()
        self.logfile = open(  # noqa: SIM115 — closed in stop()
            os.path.join(DATA_DIR, "logs", f"{db}-{name}.log"), "w", encoding="utf-8"
        )
        self.proc = subprocess.Popen(
            odoo_cmd(
                db,
                "--http-interface=127.0.0.1",
                f"--http-port={self.port}",
                f"--max-cron-threads={crons}",
                "--limit-time-real-cron=120",
            ),
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_http(self):
        wait(lambda: self._http_ok(), f"{self.db}: server on port {self.port}")
        # A NOTIFY sent before the cron worker LISTENs is lost and the worker
        # then sleeps a minute: wait until it listens (its connection to the
        # 'postgres' database has run LISTEN and committed).
        wait(
            lambda: (
                psql(
                    "postgres",
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = 'postgres' "
                    f"AND application_name = 'odoo-{self.proc.pid}' AND query = 'COMMIT'",
                )
                != "0"
            ),
            f"{self.db}: cron worker of server {self.proc.pid} listening",
        )

    def _http_ok(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/web/login", timeout=2):
                return True
        except OSError:
            return False

    def kill(self):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self):
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.logfile.close()

    def rpc(self, model, method, *args):
        """Call a model method as admin through JSON-RPC (what a button click does)."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [self.db, 2, "admin", model, method, list(args)],
            },
        }
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/jsonrpc",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return json.loads(response.read())


def wait(predicate, what, timeout=TIMEOUT, interval=0.25):
    started = time.monotonic()
    deadline = started + timeout
    while time.monotonic() < deadline:
        if predicate():
            if time.monotonic() - started > 5:
                log(f"waited {time.monotonic() - started:.0f} s for {what}")
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out waiting for {what}")


def trigger(db, xmlid):
    """Wake a cron now, as ``ir.cron._trigger()`` does."""
    module, name = xmlid.split(".")
    cron_id = psql(
        db,
        f"SELECT res_id FROM ir_model_data WHERE module = '{module}' AND name = '{name}'",
    )
    psql(
        db,
        "INSERT INTO ir_cron_trigger (cron_id, call_at) "
        f"VALUES ({cron_id}, now() at time zone 'utc')",
    )
    # cron workers LISTEN on the 'postgres' database, as ir.cron._notifydb() NOTIFYs
    psql("postgres", f"SELECT pg_notify('cron_trigger', '{db}')")


def counts(db):
    """The actions due today (the prepared ones) by state; later steps that the
    figures refresh plans once a reminder is sent are dated later, not counted."""
    row = psql(
        db,
        "SELECT count(*) FILTER (WHERE state = 'sent'), count(*) FILTER (WHERE state = 'planned'),"
        " count(*) FILTER (WHERE state = 'error'), count(*) FROM dso_dunning_action"
        " WHERE state != 'cancelled' AND date <= CURRENT_DATE",
    )
    sent, planned, error, total = (int(x) for x in row.split("|"))
    return {"sent": sent, "planned": planned, "error": error, "total": total}


class Scenario:
    """One scenario: its copy of the prepared database, its own SMTP server
    on 127.0.0.1 (so scenarios can run side by side) and its Odoo servers."""

    def __init__(self, base, name):
        self.name = name
        self.db = f"{base}_{''.join(c if c.isalnum() else '_' for c in name)}"
        self.recorder = Recorder()
        self.smtp_port = free_port()
        self.controller = None
        self.servers = []

    def setup(self, base):
        clone(base, self.db)
        psql(self.db, f"UPDATE ir_mail_server SET smtp_port = {self.smtp_port}")
        self.smtp_up()

    def smtp_up(self):
        # a stopped aiosmtpd controller cannot start again: a new one takes the port
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.smtp_port)
        self.controller.start()

    def smtp_down(self):
        self.controller.stop()
        self.controller = None

    def server(self, name, crons=1, ready=True):
        server = Server(self.db, name, crons)
        self.servers.append(server)
        if ready:
            server.wait_http()
        return server

    def counts(self):
        return counts(self.db)

    def send_cron(self):
        trigger(self.db, "dso_dunning.ir_cron_dso_dunning_send")

    def deliver(self):
        """Empty the mail queue through a running server, as the mail cron would
        (waking the mail cron works too, but its worker often picks the trigger
        up only at its next one-minute poll)."""
        server = next(s for s in reversed(self.servers) if s.proc.poll() is None)
        for _ in range(3):
            server.rpc("mail.mail", "process_email_queue")
            if psql(self.db, "SELECT count(*) FROM mail_mail WHERE state = 'outgoing'") == "0":
                return
        raise AssertionError("the mail queue did not empty")

    def check(self):
        """(ok, figures line): every action sent, received once, none lost."""
        figures = self.counts()
        received = len(self.recorder.recipients)
        distinct = len(set(self.recorder.recipients))
        duplicates = received - distinct
        lost = figures["total"] - distinct
        line = (
            f"[figures] {self.name}: actions={figures['total']} sent={figures['sent']} "
            f"received={received} duplicates={duplicates} lost={lost}"
        )
        return duplicates == 0 and lost == 0 and figures["sent"] == figures["total"], line

    def teardown(self):
        for server in self.servers:
            server.stop()
        if self.controller:
            with contextlib.suppress(Exception):
                self.controller.stop()
        try:
            drop_db(self.db)
        except RuntimeError as error:  # cleanup only: the verdict stands
            log(f"WARNING {error}")


# -- scenarios -------------------------------------------------------------------


def sending_started(sc):
    """A server whose sending cron has committed a first batch, not the last."""
    total = sc.counts()["total"]
    server = sc.server("a")
    sc.send_cron()
    first_batch = f"{sc.name}: a first committed batch"
    wait(lambda: 0 < sc.counts()["sent"] < total, first_batch, interval=0.01)
    return server, total


def kill_mid_batch(sc):
    server, total = sending_started(sc)
    server.kill()
    log(f"{sc.name}: kill -9 after {sc.counts()['sent']}/{total} sent")
    sc.server("b")
    sc.send_cron()
    wait(lambda: sc.counts()["sent"] == total, f"{sc.name}: every action sent")
    sc.deliver()


def two_servers_and_clicks(sc):
    total = sc.counts()["total"]
    first, second = sc.server("a", ready=False), sc.server("b", ready=False)
    first.wait_http()
    second.wait_http()
    ids = [
        int(i)
        for i in psql(sc.db, "SELECT id FROM dso_dunning_action ORDER BY id DESC LIMIT 10").split()
    ]
    sc.send_cron()
    trigger(sc.db, "dso_dunning.ir_cron_dso_dunning_plan")
    for action_id in ids:
        with contextlib.suppress(OSError):
            (second if action_id % 2 else first).rpc(
                "dso.dunning.action", "action_send_now", [action_id]
            )
    sc.send_cron()
    wait(lambda: sc.counts()["sent"] == total, f"{sc.name}: every action sent")
    sc.deliver()


def smtp_down_then_up(sc):
    total = sc.counts()["total"]
    sc.smtp_down()
    sc.server("a")
    sc.send_cron()
    wait(lambda: sc.counts()["sent"] == total, f"{sc.name}: every action queued")
    sc.deliver()
    errors = sc.counts()["error"]
    log(f"{sc.name}: SMTP down: {errors}/{total} actions in error")
    sc.smtp_up()
    if errors != total:
        raise AssertionError(f"expected {total} actions in error, got {errors}")
    sc.send_cron()
    wait(lambda: sc.counts()["sent"] == total, f"{sc.name}: every action requeued")
    sc.deliver()


def connection_killed(sc):
    server, total = sending_started(sc)
    killed = psql(
        sc.db,
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        f"WHERE datname = '{sc.db}' AND pid != pg_backend_pid() AND state != 'idle'",
    )
    log(f"{sc.name}: terminated {killed} busy connection(s) after {sc.counts()['sent']}/{total}")
    # The same server goes on: its cron worker reconnects at the next trigger.
    sc.send_cron()
    wait(lambda: sc.counts()["sent"] == total, f"{sc.name}: every action sent")
    if server.proc.poll() is not None:
        raise AssertionError(f"the server exited ({server.proc.returncode}) with its connection")
    sc.deliver()


SCENARIOS = {
    "kill -9 mid-batch": kill_mid_batch,
    "two servers + send now": two_servers_and_clicks,
    "smtp down then up": smtp_down_then_up,
    "connection killed": connection_killed,
}


def prepare(template, base):
    started = time.monotonic()
    clone(template, base)
    out = shell(base, PREPARE, SMTP_PORT=0, CUSTOMERS=CUSTOMERS, BATCH_SIZE=BATCH_SIZE)
    log(f"prepared {out.strip().splitlines()[-1]} in {time.monotonic() - started:.0f} s")


def run_scenario(base, name, function):
    """Run one scenario; return (ok, message). Never raises."""
    started = time.monotonic()
    sc = Scenario(base, name)
    try:
        sc.setup(base)
        function(sc)
        ok, line = sc.check()
    except Exception as error:  # noqa: BLE001 — a broken scenario is a failed test
        ok, line = False, f"FAIL {name}: {error!r} {counts(sc.db) if db_exists(sc.db) else ''}"
    finally:
        sc.teardown()
    log(f"{line} ({time.monotonic() - started:.0f} s)")
    if not ok and not line.startswith("FAIL"):
        log(f"FAIL {name}")
    return ok


def run(template):
    """Prepare once, then run the scenarios side by side; return (passed, failed)."""
    os.makedirs(os.path.join(DATA_DIR, "logs"), exist_ok=True)
    base = f"dso_fault_base_{os.getpid()}"
    started = time.monotonic()
    try:
        prepare(template, base)
        with ThreadPoolExecutor(len(SCENARIOS)) as pool:
            results = list(pool.map(lambda item: run_scenario(base, *item), SCENARIOS.items()))
    except Exception as error:  # noqa: BLE001 — preparation failed: every scenario fails
        log(f"FAIL preparation: {error!r}")
        results = [False] * len(SCENARIOS)
    finally:
        drop_db(base)
    passed = sum(results)
    log(f"{passed} passed, {len(results) - passed} failed in {time.monotonic() - started:.0f} s")
    return passed, len(results) - passed


if __name__ == "__main__":
    passed, failed = run(sys.argv[1])
    sys.exit(1 if failed or not passed else 0)
