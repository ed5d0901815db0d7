"""Process-level fault tests: exactly once, proven with real processes.

Run by ``make test`` after the Odoo test suite (see run_tests.py). Each
scenario works on its own copy of a prepared database, runs real ``odoo-bin``
servers with cron workers, and counts the messages a real SMTP server on
127.0.0.1 receives against the actions it should receive:

- kill -9 of the cron worker in the middle of a sending batch, then restart;
- two servers sending at the same time plus "Send now" clicks over JSON-RPC;
- SMTP server down, then up;
- the cron worker's PostgreSQL connection killed mid-run.

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

import run_tests
from aiosmtpd.controller import Controller
from run_tests import clone, drop_db, free_port

REPO = os.environ["REPO_DIR"]
ODOO_SRC = os.environ["ODOO_SRC"]
VENV = os.environ["VENV"]
DATA_DIR = os.environ["DSO_DATA_DIR"]
ADDONS_PATH = os.environ["ADDONS_PATH"]
CUSTOMERS = int(os.environ.get("FAULT_CUSTOMERS", "80"))
TIMEOUT = 180

PREPARE = """
import datetime
from odoo import fields
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
today = fields.Date.context_today(company)
partners = env["res.partner"]
for n in range(int(CUSTOMERS)):
    partner = env["res.partner"].create({
        "name": f"Fault Customer {n}", "is_company": True,
        "email": f"customer{n}@fault.example",
    })
    partners |= partner
    env["dso.dunning.demo"]._create_demo_invoice(partner, today, 10, 100.0 + n, 0.0)
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
    return run_tests.psql(query, db)


def odoo_cmd(db, *args):
    return [
        os.path.join(VENV, "bin", "python"),
        os.path.join(ODOO_SRC, "odoo-bin"),
        *args,
        f"--addons-path={ADDONS_PATH}",
        f"--data-dir={DATA_DIR}",
        f"--database={db}",
        f"--db-filter=^{db}$",
        "--log-level=warn",
    ]


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
        wait(lambda: self._http_ok(), f"server on port {self.port}")
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
            f"cron worker of server {self.proc.pid} listening",
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

    def rpc(self, model, method, ids):
        """Call a model method as admin through JSON-RPC (what a button click does)."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [self.db, 2, "admin", model, method, [ids]],
            },
        }
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/jsonrpc",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())


def wait(predicate, what, timeout=TIMEOUT, interval=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
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
    psql(db, f"SELECT pg_notify('cron_trigger', '{db}')")


def counts(db):
    row = psql(
        db,
        "SELECT count(*) FILTER (WHERE state = 'sent'), count(*) FILTER (WHERE state = 'planned'),"
        " count(*) FILTER (WHERE state = 'error'), count(*) FROM dso_dunning_action"
        " WHERE state != 'cancelled'",
    )
    sent, planned, error, total = (int(x) for x in row.split("|"))
    return {"sent": sent, "planned": planned, "error": error, "total": total}


class FaultSuite:
    def __init__(self):
        self.base = f"dso_fault_base_{os.getpid()}"
        self.recorder = Recorder()
        self.smtp_port = free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.smtp_port)
        self.dbs = []
        self.servers = []
        self.passed = self.failed = 0

    # -- fixtures ------------------------------------------------------------

    def prepare(self, template):
        started = time.monotonic()
        clone(template, self.base)
        self.dbs.append(self.base)
        subprocess.run(
            odoo_cmd(self.base, "-i", "dso_dunning", "--stop-after-init", "--no-http"),
            check=True,
            capture_output=True,
            timeout=TIMEOUT * 2,
        )
        out = shell(self.base, PREPARE, SMTP_PORT=self.smtp_port, CUSTOMERS=CUSTOMERS)
        log(f"prepared {out.strip().splitlines()[-1]} in {time.monotonic() - started:.0f} s")

    def fresh_db(self, name):
        db = f"{self.base}_{''.join(c if c.isalnum() else '_' for c in name)}"
        clone(self.base, db)
        self.dbs.append(db)
        self.recorder.recipients.clear()
        return db

    def server(self, db, name, crons=1):
        server = Server(db, name, crons)
        server.db = db
        self.servers.append(server)
        return server

    def deliver(self, db):
        """Run the mail queue in a separate process until it is empty.

        (Waking the mail cron instead works too, but its worker often picks
        the trigger up only at its next one-minute poll.)
        """
        for _ in range(3):
            shell(db, MAIL_QUEUE)
            if psql(db, "SELECT count(*) FROM mail_mail WHERE state = 'outgoing'") == "0":
                return
        raise AssertionError("the mail queue did not empty")

    def check(self, name, db):
        figures = counts(db)
        received = len(self.recorder.recipients)
        distinct = len(set(self.recorder.recipients))
        duplicates = received - distinct
        lost = figures["total"] - distinct
        log(
            f"[figures] {name}: actions={figures['total']} sent={figures['sent']} "
            f"received={received} duplicates={duplicates} lost={lost}"
        )
        ok = duplicates == 0 and lost == 0 and figures["sent"] == figures["total"]
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            log(f"FAIL {name}: {figures}")

    def run_scenario(self, name, scenario):
        started = time.monotonic()
        try:
            db = self.fresh_db(name)
            scenario(db)
            self.check(name, db)
        except Exception as error:  # noqa: BLE001 — a broken scenario is a failed test
            self.failed += 1
            log(f"FAIL {name}: {error!r}")
        finally:
            for server in self.servers:
                server.stop()
            self.servers.clear()
            log(f"{name}: {time.monotonic() - started:.0f} s")

    # -- scenarios -------------------------------------------------------------

    def kill_mid_batch(self, db):
        total = counts(db)["total"]
        server = self.server(db, "a")
        server.wait_http()
        trigger(db, "dso_dunning.ir_cron_dso_dunning_send")
        wait(lambda: 0 < counts(db)["sent"] < total, "a first committed batch", interval=0.01)
        server.kill()
        log(f"kill -9 after {counts(db)['sent']}/{total} sent")
        server = self.server(db, "b")
        server.wait_http()
        trigger(db, "dso_dunning.ir_cron_dso_dunning_send")
        wait(lambda: counts(db)["sent"] == total, "every action sent")
        self.deliver(db)

    def two_servers_and_clicks(self, db):
        total = counts(db)["total"]
        first, second = self.server(db, "a"), self.server(db, "b")
        first.wait_http()
        second.wait_http()
        ids = [
            int(i)
            for i in psql(db, "SELECT id FROM dso_dunning_action ORDER BY id DESC LIMIT 10").split()
        ]
        trigger(db, "dso_dunning.ir_cron_dso_dunning_send")
        trigger(db, "dso_dunning.ir_cron_dso_dunning_plan")
        for action_id in ids:
            with contextlib.suppress(OSError):
                (second if action_id % 2 else first).rpc(
                    "dso.dunning.action", "action_send_now", [action_id]
                )
        trigger(db, "dso_dunning.ir_cron_dso_dunning_send")
        wait(lambda: counts(db)["sent"] == total, "every action sent")
        self.deliver(db)

    def smtp_down_then_up(self, db):
        total = counts(db)["total"]
        self.controller.stop()
        # a stopped aiosmtpd controller cannot start again: a new one takes the port
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.smtp_port)
        try:
            server = self.server(db, "a")
            server.wait_http()
            trigger(db, "dso_dunning.ir_cron_dso_dunning_send")
            wait(lambda: counts(db)["sent"] == total, "every action queued")
            self.deliver(db)
            errors = counts(db)["error"]
            log(f"SMTP down: {errors}/{total} actions in error")
            if errors != total:
                raise AssertionError(f"expected {total} actions in error, got {errors}")
        finally:
            self.controller.start()
        trigger(db, "dso_dunning.ir_cron_dso_dunning_send")
        wait(lambda: counts(db)["sent"] == total, "every action requeued")
        self.deliver(db)

    def connection_killed(self, db):
        total = counts(db)["total"]
        server = self.server(db, "a")
        server.wait_http()
        trigger(db, "dso_dunning.ir_cron_dso_dunning_send")
        wait(lambda: 0 < counts(db)["sent"] < total, "a first committed batch", interval=0.01)
        killed = psql(
            db,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            f"WHERE datname = '{db}' AND pid != pg_backend_pid() AND state != 'idle'",
        )
        log(f"terminated {killed} busy connection(s) after {counts(db)['sent']}/{total} sent")
        # The next run: a restarted server (the killed worker's thread waits up
        # to a minute before it polls again).
        server.stop()
        server = self.server(db, "b")
        server.wait_http()
        trigger(db, "dso_dunning.ir_cron_dso_dunning_send")
        wait(lambda: counts(db)["sent"] == total, "every action sent")
        self.deliver(db)

    # -- driver ------------------------------------------------------------------

    def run(self, template):
        os.makedirs(os.path.join(DATA_DIR, "logs"), exist_ok=True)
        self.controller.start()
        try:
            self.prepare(template)
            self.run_scenario("kill -9 mid-batch", self.kill_mid_batch)
            self.run_scenario("two servers + send now", self.two_servers_and_clicks)
            self.run_scenario("smtp down then up", self.smtp_down_then_up)
            self.run_scenario("connection killed", self.connection_killed)
        except Exception as error:  # noqa: BLE001 — preparation failed: every scenario fails
            log(f"FAIL preparation: {error!r}")
            self.failed += 4 - self.passed - self.failed
        finally:
            with contextlib.suppress(Exception):
                self.controller.stop()
            for db in self.dbs:
                drop_db(db)
        log(f"{self.passed} passed, {self.failed} failed")
        return self.passed, self.failed


def run(template):
    return FaultSuite().run(template)


if __name__ == "__main__":
    passed, failed = run(sys.argv[1])
    sys.exit(1 if failed or not passed else 0)
