"""Benchmark dso_dunning on a database of ``make bench-data``: ``make bench SIZE=S|M|L``.

Every measurement runs in its own transaction, rolled back afterwards, so all
runs see the same data; only the history of the agenda measure (L) is
committed, once, and kept (``fill_history``): the other measures of that
database then run over it too, as on a live database. Wall time, SQL
queries (``cr.sql_log_count``) and the peak RSS of this process (VmHWM,
reset before each run) are taken around the measured call only; setup
(e.g. planning before measuring sending) is not timed. The table goes to
stdout and to ``docs/benchmarks/<size>.md``.

OCA's ``account_credit_control`` is installed from its PyPI wheel with
``--no-deps`` into a directory outside the repository, and put on the addons
path of the benchmark only.
"""

import argparse
import datetime
import gc
import os
import platform
import statistics
import subprocess
import sys
import time
from unittest import mock

sys.path.insert(0, os.path.dirname(__file__))

import collection
import common
import kpi

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

OCA_WHEEL = "odoo-addon-account-credit-control==19.0.*"
SEND_ACTIONS = 200  # automatic email actions sent per run
ATTACH_ACTIONS = 200  # emails attaching invoices whose legal PDFs exist, per run
FIRST_PDF_ACTIONS = 20  # emails attaching invoices whose legal PDFs are generated, per run
RECONCILE_PAYMENTS = 200  # payments registered and reconciled per run
XLSX_ROWS = 100_000
AGENDA_ACTIONS = {"L": 1_000_000}  # the action table filled up to this many rows
HISTORY_DAYS_AGO = 400  # committed history ends before the dataset's oldest item


# ----------------------------------------------------------------------
# Setup (once per database, committed)
# ----------------------------------------------------------------------


def install_oca(db):
    if not os.path.isdir(os.path.join(common.OCA_ADDONS, "account_credit_control")):
        common.log(f"pip install --no-deps {OCA_WHEEL} --target {common.OCA_TARGET}")
        subprocess.run(
            [
                os.path.join(os.environ["VENV"], "bin", "pip"),
                "install",
                "--quiet",
                "--no-deps",
                "--target",
                common.OCA_TARGET,
                OCA_WHEEL,
            ],
            check=True,
        )
    out = subprocess.run(
        [
            "psql",
            "-d",
            db,
            "-tAc",
            "SELECT state FROM ir_module_module WHERE name = 'account_credit_control'",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if out != "installed":
        common.log("installing account_credit_control in the benchmark database")
        common.odoo_bin(
            db,
            "-i",
            "account_credit_control",
            "--stop-after-init",
            addons_path=f"{common.ADDONS_PATH},{common.OCA_ADDONS}",
        )


def configure(env):
    """Same rules for both products: reminders at +7 and +15 by email, +30 (task)."""
    company = env.company
    company.write(
        {
            "dunning_send_hour_from": 0.0,
            "dunning_send_hour_to": 24.0,
            **{f"dunning_send_{day}": True for day in ("sat", "sun")},
        }
    )
    if "credit.control.policy" not in env or company.credit_policy_id.name == "Bench policy":
        return
    base = env.ref("account_credit_control.email_template_credit_control_base")
    # No PDF summary attached: dso_dunning's emails carry none either.
    template = base.copy({"name": "Bench credit control", "report_template_ids": False})
    receivable = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.id)]
    )
    level = {
        "computation_mode": "net_days",
        "email_template_id": template.id,
        "channel": "email",
        "custom_text": "Please pay",
        "custom_mail_text": "<p>Please pay</p>",
        "mail_show_invoice_detail": True,
    }
    policy = env["credit.control.policy"].create(
        {
            "name": "Bench policy",
            "company_id": company.id,
            "account_ids": [(6, 0, receivable.ids)],
            "level_ids": [
                (0, 0, {**level, "name": "First", "level": 1, "delay_days": 7}),
                (0, 0, {**level, "name": "Second", "level": 2, "delay_days": 15}),
                (0, 0, {**level, "name": "Third", "level": 3, "delay_days": 30}),
            ],
        }
    )
    company.credit_policy_id = policy


# ----------------------------------------------------------------------
# Harness
# ----------------------------------------------------------------------


class Bench:
    def __init__(self, registry, runs, only=None):
        self.registry = registry
        self.runs = runs
        self.only = only
        self.rows = []

    def measure(self, name, peer, fn, setup=None, unit=None, rate=False):
        """Run ``fn(env, state)`` ``runs`` times, each in a rolled-back transaction.

        ``unit(result)`` turns the result into a count (rows, mails) shown
        with the timing, and a rate when it is a number of items.
        """
        if self.only and not any(part in name for part in self.only.split(",")):
            return None
        samples = []
        for _ in range(self.runs):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env = env(context=env["res.users"].context_get())
                state = setup(env) if setup else None
                cr.flush()  # with the precommit hooks (tracking) of the setup
                env.invalidate_all()
                gc.collect()
                common.peak_rss_reset()
                queries = cr.sql_log_count
                started = time.perf_counter()
                result = fn(env, state)
                cr.flush()
                elapsed = time.perf_counter() - started
                samples.append(
                    {
                        "time": elapsed,
                        "queries": cr.sql_log_count - queries,
                        "rss": common.peak_rss_mb(),
                        "count": unit(result) if unit else None,
                    }
                )
                cr.rollback()
        row = {"name": name, "peer": peer, "samples": samples, "rate": rate}
        self.rows.append(row)
        median = statistics.median(s["time"] for s in samples)
        common.log(
            f"{name}: median {median:.3f} s, {samples[-1]['queries']} queries,"
            f" {samples[-1]['count']} rows"
        )
        return row

    def missing(self, name, reason):
        self.rows.append({"name": name, "peer": None, "samples": [], "reason": reason})
        common.log(f"{name}: {reason}")


# ----------------------------------------------------------------------
# Measurements
# ----------------------------------------------------------------------


def plan_dso(env, _state):
    env["dso.dunning.planner"]._plan(companies=env.company, force=True)
    # Not the history: on L the table also holds the committed one.
    return env["dso.dunning.action"].search_count(
        [("state", "not in", ("cancelled", "sent", "done"))]
    )


def plan_oca(env, _state):
    run = env["credit.control.run"].create(
        {
            "date": datetime.date.today(),
            "company_id": env.company.id,
            "policy_ids": [(6, 0, env.company.credit_policy_id.ids)],
        }
    )
    run.generate_credit_lines()
    return len(run.line_ids)


def _open_items(company):
    """Joins and conditions of the open receivable items (alias ``aml``) of both floors."""
    return SQL(
        """
        JOIN account_account account ON account.id = aml.account_id
        JOIN account_move move ON move.id = aml.move_id
       WHERE aml.company_id = %s
         AND aml.parent_state = 'posted'
         AND aml.reconciled IS NOT TRUE
         AND aml.amount_residual != 0
         AND aml.no_followup IS NOT TRUE
         AND move.payment_state IS DISTINCT FROM 'blocked'
         AND account.account_type = 'asset_receivable'
        """,
        company.id,
    )


def plan_sql_floor(env, _state):
    """One INSERT … SELECT: each customer owing more than the tolerance, with its step.

    The step is the highest one reached by the customer's oldest open debit
    item, else the next one within the horizon. Not handled (the engine
    does): credit netting item by item, invoice scenario overrides, blocks,
    minimum amounts, pending actions and episodes.
    """
    company = env.company
    env.flush_all()
    env.cr.execute(
        "CREATE TEMP TABLE bench_floor (partner_id int, step_id int, date date) ON COMMIT DROP"
    )
    today = datetime.date.today()
    env.cr.execute(
        SQL(
            """
            INSERT INTO bench_floor (partner_id, step_id, date)
            SELECT c.partner_id, COALESCE(reached.id, ahead.id),
                   CASE WHEN reached.id IS NULL THEN c.oldest + ahead.offset_days
                        ELSE %(today)s END
              FROM (SELECT partner.commercial_partner_id AS partner_id,
                           MIN(COALESCE(aml.date_maturity, aml.date))
                               FILTER (WHERE aml.amount_residual > 0) AS oldest
                      FROM account_move_line aml
                      JOIN res_partner partner ON partner.id = aml.partner_id
                      %(open_items)s
                  GROUP BY partner.commercial_partner_id
                    HAVING SUM(aml.amount_residual) > %(tolerance)s) c
              LEFT JOIN LATERAL (
                    SELECT step.id FROM dso_dunning_step step
                     WHERE step.scenario_id = %(scenario)s
                       AND step.offset_days <= %(today)s - c.oldest
                  ORDER BY step.sequence DESC LIMIT 1) reached ON TRUE
              LEFT JOIN LATERAL (
                    SELECT step.id, step.offset_days FROM dso_dunning_step step
                     WHERE step.scenario_id = %(scenario)s
                       AND step.offset_days > %(today)s - c.oldest
                       AND step.offset_days <= %(today)s - c.oldest + %(horizon)s
                  ORDER BY step.sequence LIMIT 1) ahead ON TRUE
             WHERE COALESCE(reached.id, ahead.id) IS NOT NULL
            """,
            today=today,
            open_items=_open_items(company),
            tolerance=company.dunning_tolerance,
            scenario=company.dunning_default_scenario_id.id,
            horizon=company.dunning_horizon,
        )
    )
    return env.cr.rowcount


def plan_sql_floor_writes(env, state):
    """The floor's rows written as dso_dunning writes them: actions, then their items.

    Two more INSERT … SELECT into the real tables (indexes, foreign keys):
    one action per floor row, then one item per open receivable item of its
    customer. What the engine also writes (collectors' activities and
    followers, customers' figures) is left out.
    """
    rows = plan_sql_floor(env, state)
    company = env.company
    today = datetime.date.today()
    env.cr.execute(
        SQL(
            """
            WITH new AS (
                INSERT INTO dso_dunning_action
                       (company_id, partner_id, scenario_id, step_id, step_rank, date, state,
                        name, mode, create_uid, create_date, write_uid, write_date)
                SELECT %(company)s, f.partner_id, %(scenario)s, f.step_id, step.sequence,
                       f.date, 'planned', step.name->>'en_US', step.mode,
                       %(uid)s, NOW(), %(uid)s, NOW()
                  FROM bench_floor f
                  JOIN dso_dunning_step step ON step.id = f.step_id
             RETURNING id, partner_id)
            INSERT INTO dso_dunning_action_line
                   (action_id, company_id, move_line_id, move_id, date_maturity, days_overdue,
                    amount_residual, amount_residual_currency, currency_id)
            SELECT new.id, aml.company_id, aml.id, aml.move_id, aml.date_maturity,
                   %(today)s - COALESCE(aml.date_maturity, aml.date), aml.amount_residual,
                   aml.amount_residual_currency, aml.currency_id
              FROM new
              JOIN res_partner partner ON partner.commercial_partner_id = new.partner_id
              JOIN account_move_line aml ON aml.partner_id = partner.id
              %(open_items)s
            """,
            company=company.id,
            open_items=_open_items(company),
            scenario=company.dunning_default_scenario_id.id,
            uid=env.uid,
            today=today,
        )
    )
    return rows


def _automatic_email_actions(env, count):
    """Plan, then turn ``count`` pending actions into automatic emails due today.

    The dataset's customers are mostly far past the email steps, so the
    step of ``count`` pending actions is moved to the first email reminder;
    every other pending action is cancelled, so exactly ``count`` are due.
    """
    env["dso.dunning.planner"]._plan(companies=env.company, force=True)
    step = env.ref("dso_dunning.dso_dunning_step_first")
    Action = env["dso.dunning.action"]
    pending = Action.search([("state", "in", ("planned", "to_confirm", "confirmed"))], order="id")
    chosen = pending[:count]
    chosen.write({"step_id": step.id, "date": datetime.date.today()})
    # what the engine allows: an action to confirm is confirmed, then sent
    chosen.filtered(lambda a: a.state == "to_confirm").write({"state": "confirmed"})
    pending[count:].write({"state": "cancelled", "cancel_reason": "superseded"})
    return chosen


def _attaching_invoices(env, count, legal_pdfs):
    """``count`` automatic emails attaching their invoices' PDFs.

    With ``legal_pdfs``, every invoice attached already has its legal PDF, put
    in place as core's ``_link_invoice_documents`` links it (an attachment of
    ``invoice_pdf_report_file``) from one real rendering, so that the run
    measures sending alone; without, the invoices have none and the run
    measures their first generation too.
    """
    actions = _automatic_email_actions(env, count)
    actions.step_id.attach_invoices = True
    invoices = actions.line_ids.move_id.filtered(
        lambda move: move.is_sale_document() and not move.invoice_pdf_report_id
    )
    common.log(f"{len(actions)} emails attaching {len(actions.line_ids.move_id)} invoices")
    if legal_pdfs and invoices:
        report = env.ref("account.account_invoices")
        content, _type = env["ir.actions.report"]._render_qweb_pdf(report, invoices[:1].ids)
        env["ir.attachment"].create(
            [
                {
                    "name": invoice._get_invoice_report_filename(report=report),
                    "raw": content,
                    "mimetype": "application/pdf",
                    "res_model": "account.move",
                    "res_id": invoice.id,
                    "res_field": "invoice_pdf_report_file",
                }
                for invoice in invoices
            ]
        )
        invoices.invalidate_recordset(["invoice_pdf_report_id", "invoice_pdf_report_file"])
    return actions


def _open_invoices(env, count):
    return env["account.move"].search(
        [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "=", "not_paid"),
        ],
        order="id",
        limit=count,
    )


def reconcile(env, invoices):
    """Register and reconcile one payment per invoice, as an accountant does in a batch."""
    env["account.payment.register"].with_context(
        active_model="account.move", active_ids=invoices.ids
    ).create({"group_payment": False})._create_payments()
    return invoices.filtered(lambda move: move.payment_state in ("paid", "in_payment"))


def reconcile_without_hooks(env, invoices):
    """The same, with dso_dunning's ledger hooks doing nothing (what the addon adds)."""
    refresh = type(env["dso.dunning.figure.refresh"])
    with mock.patch.object(refresh, "_touch_ledger", lambda self, pairs: None):
        return reconcile(env, invoices)


def registry_without_dso(db, addons):
    """A copy of ``db`` with dso_dunning uninstalled: Odoo alone on the same
    ledger, the peer of the reconciliation with the addon. Made before the
    benchmark's own registry opens (PostgreSQL copies an unused database)."""
    copy = f"{db}_without_dso"
    subprocess.run(["dropdb", "--if-exists", "--force", copy], check=True)
    subprocess.run(["createdb", "-T", db, copy], check=True)
    registry = common.open_registry(copy, addons_path=addons)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.module.module"].search([("name", "=", "dso_dunning")]).button_immediate_uninstall()
    return common.open_registry(copy, addons_path=addons)


def send_dso(env, actions):
    env["dso.dunning.sender"]._send_due()
    return actions.filtered(lambda a: a.state == "sent")


def _oca_lines(env, count):
    """OCA credit control lines (first level) of ``count`` customers, ready to send.

    Made with OCA's own ``create_or_update_from_mv_lines`` (what its run
    calls) on those customers' overdue items only: a whole run per
    measurement would take minutes on M.
    """
    today = datetime.date.today()
    items = env["account.move.line"].search(
        [
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", ">", 0),
            ("date_maturity", "<", today - datetime.timedelta(days=7)),
            ("partner_id.name", "like", "Customer %"),
        ],
        order="partner_id, id",
    )
    partners = items.partner_id[:count]
    items = items.filtered(lambda item: item.partner_id in partners)
    level = env.company.credit_policy_id.level_ids.sorted("level")[:1]
    lines = env["credit.control.line"].create_or_update_from_mv_lines(
        items, level, today, env.company
    )
    lines.write({"state": "to_be_sent"})
    return lines


def send_oca(env, lines):
    wizard = (
        env["credit.control.emailer"]
        .with_context(mail_notify_force_send=False)
        .create({"line_ids": [(6, 0, lines.ids)]})
    )
    return wizard._send_emails()


def _history(env, count):
    """``count`` executed actions (copies of the planned ones on earlier dates)."""
    env["dso.dunning.planner"]._plan(companies=env.company, force=True)
    _insert_history(env, count)
    Agenda = env["dso.dunning.agenda"]
    return env["dso.dunning.action"].search_count(Agenda._history_domain(_recent()))


def _recent():
    """The export's filter: history since the committed one (L), as a user filters by date."""
    return [("date", ">", datetime.date.today() - datetime.timedelta(days=HISTORY_DAYS_AGO))]


def _insert_history(env, count):
    """Insert ``count`` sent actions, copies of the planned ones on earlier dates."""
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            INSERT INTO dso_dunning_action
                   (company_id, partner_id, scenario_id, step_id, step_rank, mode,
                    channel_email, date, state, executed_date, amount_due, amount_overdue,
                    days_overdue, oldest_due_date, collector_id, name)
            SELECT a.company_id, a.partner_id, a.scenario_id, a.step_id, a.step_rank, a.mode,
                   a.channel_email, a.date - n, 'sent', a.date - n, a.amount_due,
                   a.amount_overdue, a.days_overdue, a.oldest_due_date, a.collector_id, a.name
              FROM dso_dunning_action a
             CROSS JOIN generate_series(1, %(copies)s) n
             WHERE a.state != 'cancelled'
             LIMIT %(count)s
            """,
            copies=count // max(env["dso.dunning.action"].search_count([]), 1) + 1,
            count=count,
        )
    )
    env.invalidate_all()


def export_xlsx(env, rows):
    """The history workbook, as the agenda's export button gets it; its rows."""
    env["dso.dunning.agenda"]._export_history_xlsx(_recent())
    return rows


AUTOMATIC_TAB = "dso_dunning.dso_dunning_agenda_automatic_action"


def fill_history(registry, total):
    """Commit executed actions until the action table holds ``total`` with a planning run.

    A database with a million actions is mostly history: this tops the
    history up to ``total`` minus one action per customer (what each
    measured run plans on top of it), committed, then VACUUM ANALYZE, so
    the agenda is measured on a table as a live database has it (statistics
    fresh, visibility map set), not on rows written in the measuring
    transaction. Idempotent: rows already there are kept. The history is
    dated before the dataset's oldest item, one episode of the default
    scenario's steps after another, 20 days apart.
    """
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        company = env.company
        customers = env["res.partner"].search_count(
            [("customer_rank", ">", 0), ("parent_id", "=", False)]
        )
        target = total - customers
        existing = env["dso.dunning.action"].search_count(
            [("state", "in", ("sent", "done")), ("company_id", "=", company.id)]
        )
        if existing >= target:
            return existing
        common.log(f"committing {target - existing:,} history actions (agenda at {total:,})")
        env.cr.execute(
            SQL(
                """
                INSERT INTO dso_dunning_action
                       (company_id, partner_id, scenario_id, step_id, step_rank, mode,
                        channel_email, channel_sms, channel_letter, channel_call,
                        channel_task, date, state, executed_date, executed_by_id,
                        amount_due, amount_overdue, days_overdue, oldest_due_date, name,
                        create_uid, write_uid, create_date, write_date)
                SELECT %(company)s, p.id, s.scenario_id, s.id, s.sequence, s.mode,
                       s.channel_email, s.channel_sms, s.channel_letter, s.channel_call,
                       s.channel_task, c.date,
                       CASE WHEN s.mode = 'manual' THEN 'done' ELSE 'sent' END,
                       c.date, %(uid)s, 100 + p.id %% 5000, 100 + p.id %% 5000,
                       s.offset_days, c.date - s.offset_days,
                       (s.name ->> 'en_US') || ' — ' || p.name,
                       %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM res_partner p
                 CROSS JOIN generate_series(0, %(copies)s - 1) n
                  JOIN LATERAL (SELECT s.* FROM dso_dunning_step s
                                 WHERE s.scenario_id = %(scenario)s
                              ORDER BY s.sequence
                                OFFSET n %% %(steps)s LIMIT 1) s ON TRUE
                 CROSS JOIN LATERAL (SELECT CURRENT_DATE - %(ago)s - 20 * n AS date) c
                 WHERE p.customer_rank > 0 AND p.parent_id IS NULL
                   AND NOT EXISTS (
                        SELECT FROM dso_dunning_action a
                         WHERE a.company_id = %(company)s AND a.partner_id = p.id
                           AND a.step_id = s.id AND a.date = c.date)
                 LIMIT %(missing)s
                """,
                company=company.id,
                uid=SUPERUSER_ID,
                scenario=company.dunning_default_scenario_id.id,
                steps=len(company.dunning_default_scenario_id.step_ids),
                copies=-(-target // customers) + 1,
                ago=HISTORY_DAYS_AGO,
                missing=target - existing,
            )
        )
    # VACUUM cannot run in a transaction: its own autocommit connection.
    subprocess.run(
        ["psql", "-d", registry.db_name, "-qc", "VACUUM ANALYZE dso_dunning_action"], check=True
    )
    return target


def _agenda_setup(env):
    """Plan (over the committed history), then read the automatic tab's list
    view as the web client does."""
    env["dso.dunning.planner"]._plan(companies=env.company, force=True)
    action = env.ref(AUTOMATIC_TAB)
    view = action.view_ids.filtered(lambda v: v.view_mode == "list").view_id
    views = env["dso.dunning.action"].get_views([(view.id, "list")])
    spec = {
        name: {"fields": {"display_name": {}}} if field["type"] == "many2one" else {}
        for name, field in views["models"]["dso.dunning.action"]["fields"].items()
    }
    return spec, safe_eval(action.domain)


def agenda_page(env, state):
    """First page of the automatic-actions tab and its two counters."""
    spec, domain = state
    Action = env["dso.dunning.action"].with_context(dso_agenda_tab="automatic")
    page = Action.web_search_read(domain, spec, limit=80, count_limit=10001)
    env["dso.dunning.agenda"].get_counters(domain)
    return len(page["records"])


def _alerts(env, count):
    """``count`` alerts mixing amount, last-dunning, group and item criteria."""
    groups = env["res.partner.category"].search([], limit=3)
    vals = []
    for i in range(count):
        criteria = [
            {"overdue_min": 500.0 * (i + 1)},
            {"overdue_min": 1000.0, "not_dunned_days": 5 + i},
            {"total_due_min": 1000.0 * i, "days_overdue_min": 10 * i},
            {"category_ids": [(6, 0, groups[i % len(groups)].ids)], "overdue_min": 100.0 * i},
            {"item_days_late_min": 30 + i, "item_type_invoice": True},
        ][i % 5]
        vals.append({"name": f"Bench alert {i}", "company_id": env.company.id, **criteria})
    env["dso.dunning.planner"]._plan(companies=env.company, force=True)
    return env["dso.dunning.alert"].create(vals)


def alert_counts(env, alerts):
    return sum(alerts.mapped("partner_count"))


def alert_page(env, alerts):
    partners = env["res.partner"].search([("is_company", "=", True)], limit=80)
    return len(alerts._match_partners(partners))


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------


def _fmt(values, pattern):
    return " / ".join(
        pattern.format(v) for v in (min(values), statistics.median(values), max(values))
    )


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    with open("/proc/meminfo", encoding="ascii") as f:
        mem = int(f.readline().split()[1]) / 1024 / 1024
    load = os.getloadavg()
    pg = subprocess.run(
        ["psql", "-d", "postgres", "-tAc", "SHOW server_version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (
        f"{os.cpu_count()} × {cpu}, {mem:.0f} GB RAM, Python {platform.python_version()},"
        f" PostgreSQL {pg}; load average at the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}"
    )


def render(bench, size, dataset, baseline_rss):
    by_name = {row["name"]: row for row in bench.rows}
    lines = [
        f"# dso_dunning benchmark — size {size}",
        "",
        f"Generated by `make bench SIZE={size}` on {datetime.date.today()}.",
        f"Dataset: {dataset}.",
        f"Machine: {machine()}.",
        (
            f"Runs per figure: {bench.runs}; figures are min / median / max. Peak RSS is the"
            f" whole Odoo process (registry loaded: {baseline_rss:.0f} MB before any run)."
        ),
        "",
        "| Measure | Wall time (s) | Queries | Peak RSS (MB) | Rows | Rate | Ratio to peer |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in bench.rows:
        samples = row["samples"]
        if not samples:
            lines.append(f"| {row['name']} | {row['reason']} | | | | | |")
            continue
        times = [s["time"] for s in samples]
        count = samples[-1]["count"]
        rate = ""
        if count and row["rate"]:
            per_second = count / statistics.median(times)
            rate = f"{per_second:.0f}/s" if per_second >= 10 else f"{per_second:.2g}/s"
        ratio = ""
        peer = by_name.get(row["peer"])
        if peer and peer["samples"]:
            value = statistics.median(s["time"] for s in peer["samples"]) / statistics.median(times)
            ratio = (
                f"{value:.1f}× faster than {row['peer']}"
                if value >= 1
                else (f"{1 / value:.1f}× slower than {row['peer']}")
            )
        lines.append(
            f"| {row['name']} | {_fmt(times, '{:.3f}')}"
            f" | {_fmt([s['queries'] for s in samples], '{:d}')}"
            f" | {max(s['rss'] for s in samples):.0f} | {count if count is not None else ''}"
            f" | {rate} | {ratio} |"
        )
    return "\n".join(lines) + "\n"


def dataset_description(registry):
    with registry.cursor() as cr:
        cr.execute(
            "SELECT (SELECT COUNT(*) FROM res_partner WHERE name LIKE 'Customer %%'),"
            " (SELECT COUNT(*) FROM account_move WHERE move_type = 'out_invoice'),"
            " (SELECT COUNT(*) FROM account_move_line),"
            " (SELECT COUNT(*) FROM account_move_line aml"
            "    JOIN account_account a ON a.id = aml.account_id"
            "   WHERE a.account_type = 'asset_receivable' AND NOT aml.reconciled"
            "     AND aml.amount_residual != 0)"
        )
        customers, invoices, items, open_items = cr.fetchone()
    return (
        f"{customers:,} customers, {invoices:,} invoices, {items:,} journal items"
        f" ({open_items:,} open receivable items)"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="S", choices=sorted(common.SIZES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-oca", action="store_true", help="dso_dunning and SQL only")
    parser.add_argument(
        "--only", help="measure only the rows whose name contains this (comma-separated: any)"
    )
    parser.add_argument("--db", help="database to measure (default: the one of --size)")
    args = parser.parse_args()
    db = args.db or common.db_name(args.size)
    common.log(f"updating dso_dunning in {db} (the benchmark measures the code checked out)")
    common.odoo_bin(db, "-u", "dso_dunning", "--stop-after-init")
    if not args.skip_oca:
        install_oca(db)
    addons = common.ADDONS_PATH if args.skip_oca else f"{common.ADDONS_PATH},{common.OCA_ADDONS}"
    without_dso = None
    if not args.only or "Reconciliation" in args.only:
        common.log("copying the database and uninstalling dso_dunning from the copy")
        without_dso = registry_without_dso(db, addons)
    registry = common.open_registry(db, addons_path=addons)
    with registry.cursor() as cr:
        configure(api.Environment(cr, SUPERUSER_ID, {}))
    baseline_rss = common.peak_rss_mb()
    bench = Bench(registry, args.runs, args.only)
    count = len  # results that are recordsets or lists

    bench.measure("Planning: SQL floor", None, plan_sql_floor, unit=int, rate=True)
    bench.measure(
        "Planning: SQL floor writing actions and items",
        "Planning: dso_dunning",
        plan_sql_floor_writes,
        unit=int,
        rate=True,
    )
    bench.measure("Planning: dso_dunning", "Planning: SQL floor", plan_dso, unit=int, rate=True)
    if "credit.control.run" in registry:
        bench.measure(
            "Planning: OCA credit control run",
            "Planning: dso_dunning",
            plan_oca,
            unit=int,
            rate=True,
        )
    else:
        bench.missing("Planning: OCA credit control run", "OCA addon not installed (--skip-oca)")

    bench.measure(
        f"Sending: {SEND_ACTIONS} automatic emails, dso_dunning",
        None,
        send_dso,
        setup=lambda env: _automatic_email_actions(env, SEND_ACTIONS),
        unit=count,
        rate=True,
    )
    bench.measure(
        f"Sending: {ATTACH_ACTIONS} emails attaching their invoices' legal PDFs, dso_dunning",
        f"Sending: {SEND_ACTIONS} automatic emails, dso_dunning",
        send_dso,
        setup=lambda env: _attaching_invoices(env, ATTACH_ACTIONS, legal_pdfs=True),
        unit=count,
        rate=True,
    )
    bench.measure(
        f"Sending: {FIRST_PDF_ACTIONS} emails attaching their invoices, legal PDFs generated",
        None,
        send_dso,
        setup=lambda env: _attaching_invoices(env, FIRST_PDF_ACTIONS, legal_pdfs=False),
        unit=count,
        rate=True,
    )
    if "credit.control.emailer" in registry:
        bench.measure(
            f"Sending: {SEND_ACTIONS} communications, OCA emailer",
            f"Sending: {SEND_ACTIONS} automatic emails, dso_dunning",
            send_oca,
            setup=lambda env: _oca_lines(env, SEND_ACTIONS),
            unit=count,
            rate=True,
        )
    if without_dso:
        alone = Bench(without_dso, args.runs, args.only)
        alone.measure(
            f"Reconciliation: {RECONCILE_PAYMENTS} payments, without dso_dunning (uninstalled)",
            None,
            reconcile,
            setup=lambda env: _open_invoices(env, RECONCILE_PAYMENTS),
            unit=count,
            rate=True,
        )
        bench.rows.extend(alone.rows)
        type(without_dso).delete(without_dso.db_name)
        subprocess.run(["dropdb", "--if-exists", "--force", without_dso.db_name], check=True)
    bench.measure(
        f"Reconciliation: {RECONCILE_PAYMENTS} payments, dso_dunning's ledger hooks off",
        f"Reconciliation: {RECONCILE_PAYMENTS} payments, without dso_dunning (uninstalled)",
        reconcile_without_hooks,
        setup=lambda env: _open_invoices(env, RECONCILE_PAYMENTS),
        unit=count,
        rate=True,
    )
    bench.measure(
        f"Reconciliation: {RECONCILE_PAYMENTS} payments, with dso_dunning's ledger hooks",
        f"Reconciliation: {RECONCILE_PAYMENTS} payments, without dso_dunning (uninstalled)",
        reconcile,
        setup=lambda env: _open_invoices(env, RECONCILE_PAYMENTS),
        unit=count,
        rate=True,
    )
    if "dso.dunning.alert" in registry:
        bench.measure(
            "Alerts: counts of 20 alerts over all customers",
            None,
            alert_counts,
            setup=lambda env: _alerts(env, 20),
            unit=int,
        )
        bench.measure(
            "Alerts: 20 alerts on a page of 80 customers",
            None,
            alert_page,
            setup=lambda env: _alerts(env, 20),
        )
    else:
        bench.missing("Alerts (issue 6)", "not yet available: alert models not wired in git")
    agenda_total = AGENDA_ACTIONS.get(args.size, 0)
    if agenda_total and (not args.only or "Agenda" in args.only):
        fill_history(registry, agenda_total)
    bench.measure(
        "Agenda: automatic tab, first page of 80 + counters"
        + (f" ({agenda_total:,} actions)" if agenda_total else ""),
        None,
        agenda_page,
        setup=_agenda_setup,
    )
    if "dso.dunning.agenda" in registry:
        bench.measure(
            f"History XLSX export, {XLSX_ROWS:,} rows",
            None,
            export_xlsx,
            setup=lambda env: _history(env, XLSX_ROWS),
            unit=int,
            rate=True,
        )
    else:
        bench.missing(f"History XLSX export, {XLSX_ROWS:,} rows", "not yet available (issue 5)")

    collection.measure_all(bench)
    kpi.measure(bench)

    table = render(bench, args.size, dataset_description(registry), baseline_rss)
    out_dir = os.path.join(common.REPO, "docs", "benchmarks")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{args.size}.md")
    with open(path, "w", encoding="utf-8") as f:
        f.write(table)
    print(table)
    common.log(f"written to {path}")


if __name__ == "__main__":
    main()
