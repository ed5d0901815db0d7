import datetime
import logging

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import pause, planning, planning_sql
from ..tools.action_states import EXECUTED_STATES, PENDING_STATES
from ..tools.planning_run import PlanningBatch, PlanningRun, add_stats, new_stats

_logger = logging.getLogger(__name__)

# Customers per batch (and per commit in the cron): each batch is a savepoint, and
# the foreign-key checks of its inserts cost more as savepoints pile up.
BATCH_SIZE = 2000
# What the planner reads of journal items.
OPEN_ITEM_FIELDS = [
    "company_id", "account_id", "partner_id", "move_id", "parent_state", "reconciled",
    "amount_residual", "amount_residual_currency", "currency_id", "date_maturity", "date",
    "no_followup", "dunning_status_id",
]  # fmt: skip


class DsoDunningPlanner(models.AbstractModel):
    """The planning engine: from the live ledger to dunning actions.

    Open receivable items are read with one grouped query per company (one
    row per customer and invoice scenario override); the rules of
    ``tools.planning`` decide; actions are created, refreshed or cancelled
    customer by customer in batches. In the cron each batch is committed with
    its progress and a customer that fails is logged and skipped, never the
    run. Customers already planned today are skipped unless ``force``, so an
    interrupted run resumes where it stopped.
    """

    _name = "dso.dunning.planner"
    _description = "Dunning Planning Engine"

    @api.model
    def _cron_plan(self):
        self._lift_expired_blocks()
        # Broken promises: their items are dunned again from today.
        self.env["dso.dunning.commitment.engine"]._close_passed_promises()
        companies = self.env["res.company"].search([("dunning_planning_enabled", "=", True)])
        self._plan(companies=companies, in_cron=True)

    @api.model
    def _plan(self, companies=None, partners=None, today=None, force=False, in_cron=False):
        """Plan ``partners`` (default: every customer) of ``companies``.

        Returns counters: created, updated, cancelled, skipped, failed.
        """
        today = today or fields.Date.context_today(self)
        stats = new_stats()
        for company in (companies or self.env.companies).sudo():
            self._plan_company(
                PlanningRun(company, today, partners, force=force, in_cron=in_cron, stats=stats)
            )
        _logger.info("dunning planning: %s", stats)
        return stats

    @api.model
    def _lift_expired_blocks(self, today=None):
        today = today or fields.Date.context_today(self)
        expired = (
            self.env["res.partner"]
            .sudo()
            .search([("dunning_block_reason", "!=", False), ("dunning_block_until", "<", today)])
        )
        expired.write({"dunning_block_reason": False, "dunning_block_until": False})
        return expired

    # ------------------------------------------------------------------
    # Selection
    # ------------------------------------------------------------------

    def _open_items_query(self, company, partners=None):
        """``planning_sql.open_items`` of ``company``, after flushing what it reads."""
        self.env["account.move.line"].flush_model(OPEN_ITEM_FIELDS)
        self.env["account.move"].flush_model(["payment_state", "dunning_scenario_id"])
        self.env["account.account"].flush_model(["account_type"])
        self.env["dso.dunning.status"].flush_model(["pause_dunning"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        partner_ids = None if partners is None else partners.commercial_partner_id.ids
        receivable_ids = [
            account_id
            for (account_id,) in self.env.execute_query(
                SQL("SELECT id FROM account_account WHERE account_type = 'asset_receivable'")
            )
        ]
        return planning_sql.open_items(company.id, receivable_ids, partner_ids)

    # ------------------------------------------------------------------
    # Planning
    # ------------------------------------------------------------------

    def _plan_company(self, run):
        company, partners = run.company, run.partners
        rows = self.env.execute_query_dict(self._open_items_query(company, partners))
        by_partner = {}
        for row in rows:
            by_partner.setdefault(row["partner_id"], []).append(row)
        self._close_customers_without_items(run, by_partner)
        todo = self.env["res.partner"].sudo().with_company(company).browse(list(by_partner))
        if not run.force:
            todo = todo.filtered(lambda p: p.dunning_planned_on != run.today)
        for start in range(0, len(todo), BATCH_SIZE):
            batch = todo[start : start + BATCH_SIZE]
            self._plan_batch(run, batch, by_partner)
            if run.in_cron:
                remaining = len(todo) - start - len(batch)
                if not self.env["ir.cron"]._commit_progress(len(batch), remaining=remaining):
                    break

    def _close_customers_without_items(self, run, by_partner):
        """Customers with nothing open: cancel their pending actions, reset figures."""
        company, partners = run.company, run.partners
        Partner = self.env["res.partner"].sudo().with_company(company)
        scope = [("id", "in", partners.commercial_partner_id.ids)] if partners is not None else []
        domain = [("company_id", "=", company.id), ("state", "in", PENDING_STATES)]
        if partners is not None:
            domain.append(("partner_id", "in", partners.commercial_partner_id.ids))
        actions = self.env["dso.dunning.action"].sudo().search(domain)
        actions = actions.filtered(lambda a: a.partner_id.id not in by_partner)
        # A commitment's follow-up lists items it pauses: cancelled once they are paid only.
        actions = actions.filtered(
            lambda a: not a.commitment_id or all(a.line_ids.move_line_id.mapped("reconciled"))
        )
        actions._cancel("paid")
        run.stats["cancelled"] += len(actions)
        stale = Partner.search([("dunning_total_due", "!=", 0), *scope]) | actions.partner_id
        stale = stale.filtered(lambda p: p.id not in by_partner)
        empty = planning.customer_figures([], 0.0, run.today)
        action_figures = self._action_figures(company, stale.ids)
        self._write_figures(company, {p.id: {**empty, **action_figures[p.id]} for p in stale})

    def _plan_batch(self, run, partners, by_partner):
        """Plan ``partners`` with a number of queries that does not grow with them.

        Everything the rules need is read for the whole batch (customers'
        settings, their scenarios, their actions); the decisions are taken
        customer by customer in Python and the new actions, their items and
        activities are inserted in a few set-based queries. When anything
        fails the batch is rolled back and planned again customer by
        customer, each in its own savepoint, so that one broken customer
        never stops the others.
        """
        company, today = run.company, run.today
        batch = PlanningBatch(run, by_partner, self._customer_settings(company, partners))
        self._load_scenarios(
            {s["scenario_id"] for s in batch.settings.values()}
            | {row["override_id"] for p in partners for row in by_partner[p.id]},
            run.scenarios,
        )
        batch.existing.update(
            self._actions_by_customer(company, partners, by_partner, run.scenarios)
        )
        for partner_id, scenario_id in batch.existing:
            batch.action_scenarios.setdefault(partner_id, []).append(scenario_id)
        counts = new_stats()
        try:
            with self.env.cr.savepoint():
                self._plan_customers(batch, partners, counts)
            planned = partners
        except Exception:
            _logger.info(
                "dunning planning: batch failed, planning its customers one by one", exc_info=True
            )
            counts = new_stats()
            planned = self._plan_one_by_one(batch, partners, counts)
        add_stats(run.stats, counts)
        action_figures = self._action_figures(company, planned.ids)
        figures = {}
        for partner_id in planned.ids:
            rows = by_partner[partner_id]
            by_scenario = batch.items.get(partner_id)
            if by_scenario is None:
                by_scenario = planning.collect_items(rows, None)
            items = [item for bucket in by_scenario.values() for item in bucket]
            figures[partner_id] = {
                **planning.customer_figures(items, rows[0]["balance"], today),
                **action_figures[partner_id],
                "dunning_skip_reason": self._skip_reason(batch, partner_id),
                "dunning_planned_on": today,
            }
        self._write_figures(company, figures)

    def _plan_customers(self, batch, partners, counts):
        """Decide the actions of ``partners`` and create them (caller holds a savepoint)."""
        to_create = []
        for partner in partners:
            self._plan_partner(batch, partner, counts, to_create)
        self._create_actions(batch.company, partners, to_create, batch)

    def _plan_one_by_one(self, batch, partners, stats):
        """Plan each customer in its own savepoint; return those planned."""
        planned = partners.browse()
        for partner in partners:
            counts = new_stats()
            try:
                with self.env.cr.savepoint():
                    self._plan_customers(batch, partner, counts)
            except Exception:
                _logger.exception("dunning planning failed for customer %s", partner.id)
                stats["failed"] += 1
                continue
            add_stats(stats, counts)
            planned |= partner
        return planned

    def _customer_settings(self, company, partners):
        """What the rules read of each customer, for the whole batch.

        Plain values keyed by customer id: block, scenario and collector in
        ``company`` (by the rules of ``res.partner._dunning_scenario`` and
        ``_dunning_collector``, on values fetched for the whole batch) and
        the name the actions carry.
        """
        partners = partners.with_company(company)
        # only these fields: a plain read of res.partner fetches its hundred columns
        partners.fetch(
            [
                "name", "user_id", "dunning_block_reason", "dunning_block_until",
                "dunning_scenario_id", "dunning_collector_id", "dunning_status_id",
            ]
        )  # fmt: skip
        partners.dunning_status_id.fetch(["pause_dunning"])
        (partners.dunning_collector_id | partners.user_id).fetch(["active"])
        settings = {}
        for partner in partners:
            settings[partner.id] = {
                "name": partner.name or "",
                "block_reason": partner.dunning_block_reason,
                "block_until": partner.dunning_block_until,
                "status_pauses": partner.dunning_status_id.pause_dunning,
                "scenario_id": partner._dunning_scenario(company).id,
                "collector_id": partner._dunning_collector(company).id,
            }
        return settings

    def _load_scenarios(self, scenario_ids, scenarios):
        """Read the scenarios not read yet, with their steps, into ``scenarios``."""
        missing = [sid for sid in scenario_ids if sid and sid not in scenarios]
        if not missing:
            return
        # exists(): a customer's scenario is a company-dependent value, and
        # one that was deleted since plans nothing
        records = self.env["dso.dunning.scenario"].sudo().browse(missing).exists()
        for scenario in records:
            steps = scenario.step_ids.sorted(lambda s: (s.sequence, s.id))
            rules = tuple(steps._to_rules())
            scenarios[scenario.id] = planning.Scenario(
                id=scenario.id,
                company_id=scenario.company_id.id,
                live=scenario.active and not scenario.never_dun,
                escalate_pending=scenario.escalate_pending,
                rules=rules,
                steps={
                    step.id: {
                        "name": step.name or "",
                        "offset": step.offset_days,
                        "mode": step.mode,
                        "channel_call": step.channel_call,
                        "help_text": step.help_text or "",
                        "company_id": step.company_id.id,
                    }
                    for step in steps
                },
                rank={rule.id: rule.sequence for rule in rules},
            )

    def _actions_by_customer(self, company, partners, by_partner, scenarios):
        """Pending and recent executed actions of these customers, by (customer, scenario).

        Pending actions are read whatever their date: there is at most one per
        scenario and the planner must refresh or replace it, never add another.
        Executed ones count from the start of the current episode only (the
        due date of the oldest item, minus the longest pre-due lead of the
        scenarios): the older history, most of the table after a few years,
        is not read.
        """
        oldest = min(
            (d for p in partners.ids for r in by_partner[p] for d in r["maturities"] if d),
            default=fields.Date.context_today(self),
        )
        lead = max((planning.pre_due_window(s.rules) for s in scenarios.values()), default=0)
        actions = (
            self.env["dso.dunning.action"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", partners.ids),
                    ("state", "!=", "cancelled"),
                    # the follow-ups of broken commitments are not the scenarios' actions
                    ("commitment_id", "=", False),
                    "|",
                    ("state", "in", PENDING_STATES),
                    ("date", ">=", oldest - datetime.timedelta(days=lead)),
                ],
                order="date, id",
            )
        )
        by_key = {}
        for action in actions:
            by_key.setdefault((action.partner_id.id, action.scenario_id.id), []).append(action)
        return by_key

    def _skip_reason(self, batch, partner_id):
        """Why this customer of ``batch`` is not dunned, else False."""
        settings, rows = batch.settings[partner_id], batch.by_partner[partner_id]
        if pause.is_blocked(settings["block_reason"], settings["block_until"], batch.today):
            return self.env._("Dunning blocked")
        if settings["status_pauses"]:
            return self.env._("Dunning paused by the customer's status")
        if rows[0]["balance"] <= batch.company.dunning_tolerance:
            return self.env._(
                "Net balance not above the tolerance: credit notes or payments cover what is due"
            )
        if not settings["scenario_id"] and not any(r["override_id"] for r in rows):
            return self.env._("No dunning scenario")
        return False

    def _plan_partner(self, batch, partner, counts, to_create):
        """Decide for one customer: refresh or cancel its actions in place, and
        append the values of the actions to create to ``to_create``."""
        settings = batch.settings[partner.id]
        skip = self._skip_reason(batch, partner.id)
        items = batch.items[partner.id] = planning.collect_items(
            batch.by_partner[partner.id], settings["scenario_id"]
        )
        live = set()
        if not skip:
            for scenario_id in items:
                scenario = batch.scenarios.get(scenario_id)
                if not scenario or not scenario.live:
                    continue
                live.add(scenario_id)
                self._plan_scenario(batch, partner, scenario, counts, to_create)
        else:
            counts["skipped"] += 1
        for scenario_id in batch.action_scenarios.get(partner.id, ()):
            if scenario_id in live:
                continue
            pending = [
                a for a in batch.existing[partner.id, scenario_id] if a.state in PENDING_STATES
            ]
            paused = pause.is_paused(
                settings["block_reason"],
                settings["block_until"],
                settings["status_pauses"],
                batch.today,
            )
            for action in pending:
                action._cancel("paused" if paused else "credit" if skip else "paid")
            counts["cancelled"] += len(pending)

    def _plan_scenario(self, batch, partner, scenario, counts, to_create):
        """Create, refresh or escalate the one pending action of this scenario."""
        company, today = batch.company, batch.today
        items = batch.items[partner.id][scenario.id]
        actions = batch.existing.get((partner.id, scenario.id), [])
        rules = scenario.rules
        reference = planning.reference_date(items)
        if not rules or reference is None:
            return
        rank = scenario.rank
        start = planning.episode_start(rules, reference)
        # The pending action counts whatever its date: it may come from before
        # the oldest item still owed was issued (older items paid since).
        pending = next((a for a in actions if a.state in PENDING_STATES), None)
        executed = [
            a
            for a in actions
            if a.date >= start and a.step_id.id in rank and a.state in EXECUTED_STATES
        ]
        amount = planning.dunnable_amount(items, today, rules, horizon=company.dunning_horizon)
        if amount <= company.dunning_tolerance:
            if pending:
                pending._cancel("paid")
                counts["cancelled"] += 1
            return
        escalate = bool(pending) and scenario.escalate_pending
        done = executed if escalate or not pending else [*executed, pending]
        decision = planning.next_step(
            rules,
            today=today,
            reference_date=reference,
            amount=amount,
            episode=planning.Episode(
                last_sequence=max((rank[a.step_id.id] for a in done), default=None),
                last_executed=max(
                    (a.executed_date.date() for a in executed if a.executed_date), default=None
                ),
            ),
            min_interval=company.dunning_min_interval,
            horizon=company.dunning_horizon,
        )
        if decision and (
            planning.covered_amount(items, decision.step.offset, decision.date)
            <= company.dunning_tolerance
        ):
            decision = None  # what it would list is below the tolerance
        if pending and not (
            escalate and decision and decision.step.sequence > rank[pending.step_id.id]
        ):
            if self._refresh(pending, items, today):
                counts["updated"] += 1
            else:
                counts["cancelled"] += 1
            return
        if pending:
            pending._cancel("superseded")
            # Written now: the new action's INSERT checks the one-pending index.
            pending.flush_recordset(["state", "cancel_reason"])
            counts["cancelled"] += 1
        if decision:
            to_create.append(
                self._prepare_action_vals(
                    company, partner, scenario, decision, items, today, batch.settings[partner.id]
                )
            )
            counts["created"] += 1
