import datetime
import json
import logging

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import planning, planning_sql
from .dso_dunning_action import EXECUTED_STATES, PENDING_STATES
from .dso_dunning_step import CHANNELS

_logger = logging.getLogger(__name__)

# Customers per batch (and per commit in the cron): each batch is a savepoint, and
# the foreign-key checks of its inserts cost more as savepoints pile up.
BATCH_SIZE = 2000
# What the planner reads of journal items.
OPEN_ITEM_FIELDS = [
    "company_id", "account_id", "partner_id", "move_id", "parent_state", "reconciled",
    "amount_residual", "amount_residual_currency", "currency_id", "date_maturity", "date",
    "no_followup",
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
        companies = self.env["res.company"].search([("dunning_planning_enabled", "=", True)])
        self._plan(companies=companies, in_cron=True)

    @api.model
    def _plan(self, companies=None, partners=None, today=None, force=False, in_cron=False):
        """Plan ``partners`` (default: every customer) of ``companies``.

        Returns counters: created, updated, cancelled, skipped, failed.
        """
        today = today or fields.Date.context_today(self)
        stats = dict.fromkeys(("created", "updated", "cancelled", "skipped", "failed"), 0)
        for company in (companies or self.env.companies).sudo():
            self._plan_company(company, partners, today, force, in_cron, stats)
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
        """One row per (customer, invoice scenario override) with its open items.

        Items: posted, receivable, not reconciled, with a residual, not
        excluded from follow-up, not on a blocked invoice. ``balance`` is the
        customer's net balance over all of them (credit notes and unmatched
        payments included).
        """
        self.env["account.move.line"].flush_model(OPEN_ITEM_FIELDS)
        self.env["account.move"].flush_model(["payment_state", "dunning_scenario_id"])
        self.env["account.account"].flush_model(["account_type"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        conditions = [
            SQL("aml.company_id = %s", company.id),
            SQL("aml.parent_state = 'posted'"),
            SQL("aml.reconciled IS NOT TRUE"),
            SQL("aml.amount_residual != 0"),
            SQL("aml.no_followup IS NOT TRUE"),
            SQL("move.payment_state IS DISTINCT FROM 'blocked'"),
            SQL("account.account_type = 'asset_receivable'"),
        ]
        if partners is not None:
            ids = tuple(partners.commercial_partner_id.ids) or (0,)
            conditions.append(SQL("partner.commercial_partner_id IN %s", ids))
        order = SQL("COALESCE(aml.date_maturity, aml.date), aml.id")
        return SQL(
            """
            SELECT partner.commercial_partner_id AS partner_id,
                   move.dunning_scenario_id AS override_id,
                   SUM(SUM(aml.amount_residual))
                       OVER (PARTITION BY partner.commercial_partner_id) AS balance,
                   ARRAY_AGG(aml.id ORDER BY %(order)s) AS line_ids,
                   ARRAY_AGG(aml.move_id ORDER BY %(order)s) AS move_ids,
                   ARRAY_AGG(COALESCE(aml.date_maturity, aml.date) ORDER BY %(order)s)
                       AS maturities,
                   ARRAY_AGG(aml.amount_residual ORDER BY %(order)s) AS residuals,
                   ARRAY_AGG(aml.amount_residual_currency ORDER BY %(order)s)
                       AS residuals_currency,
                   ARRAY_AGG(aml.currency_id ORDER BY %(order)s) AS currency_ids
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN account_move move ON move.id = aml.move_id
              JOIN res_partner partner ON partner.id = aml.partner_id
             WHERE %(where)s
          GROUP BY partner.commercial_partner_id, move.dunning_scenario_id
          ORDER BY partner.commercial_partner_id
            """,
            order=order,
            where=SQL(" AND ").join(conditions),
        )

    # ------------------------------------------------------------------
    # Planning
    # ------------------------------------------------------------------

    def _plan_company(self, company, partners, today, force, in_cron, stats):
        rows = self.env.execute_query_dict(self._open_items_query(company, partners))
        by_partner = {}
        for row in rows:
            by_partner.setdefault(row["partner_id"], []).append(row)
        self._close_customers_without_items(company, partners, by_partner, today, stats)
        todo = self.env["res.partner"].sudo().with_company(company).browse(list(by_partner))
        if not force:
            todo = todo.filtered(lambda p: p.dunning_planned_on != today)
        scenarios = {}  # read once per run: {scenario id: planning.Scenario}
        for start in range(0, len(todo), BATCH_SIZE):
            batch = todo[start : start + BATCH_SIZE]
            self._plan_batch(company, batch, by_partner, today, stats, scenarios)
            if in_cron:
                remaining = len(todo) - start - len(batch)
                if not self.env["ir.cron"]._commit_progress(len(batch), remaining=remaining):
                    break

    def _close_customers_without_items(self, company, partners, by_partner, today, stats):
        """Customers with nothing open: cancel their pending actions, reset figures."""
        Partner = self.env["res.partner"].sudo().with_company(company)
        scope = [("id", "in", partners.commercial_partner_id.ids)] if partners is not None else []
        domain = [("company_id", "=", company.id), ("state", "in", PENDING_STATES)]
        if partners is not None:
            domain.append(("partner_id", "in", partners.commercial_partner_id.ids))
        actions = self.env["dso.dunning.action"].sudo().search(domain)
        actions = actions.filtered(lambda a: a.partner_id.id not in by_partner)
        actions._cancel("paid")
        stats["cancelled"] += len(actions)
        stale = Partner.search([("dunning_total_due", "!=", 0), *scope]) | actions.partner_id
        stale = stale.filtered(lambda p: p.id not in by_partner)
        empty = planning.customer_figures([], 0.0, today)
        action_figures = self._action_figures(company, stale.ids)
        self._write_figures(company, {p.id: {**empty, **action_figures[p.id]} for p in stale})

    def _plan_batch(self, company, partners, by_partner, today, stats, scenarios=None):
        """Plan ``partners`` with a number of queries that does not grow with them.

        Everything the rules need is read for the whole batch (customers'
        settings, their scenarios, their actions); the decisions are taken
        customer by customer in Python and the new actions, their items and
        activities are inserted in a few set-based queries. When anything
        fails the batch is rolled back and planned again customer by
        customer, each in its own savepoint, so that one broken customer
        never stops the others.
        """
        scenarios = {} if scenarios is None else scenarios
        batch = {
            "settings": self._customer_settings(company, partners),
            "scenarios": scenarios,
            "items": {},  # {customer id: its items by scenario}, for the figures
            "action_scenarios": {},  # {customer id: scenarios of its actions}
        }
        self._load_scenarios(
            {s["scenario_id"] for s in batch["settings"].values()}
            | {row["override_id"] for p in partners for row in by_partner[p.id]},
            scenarios,
        )
        existing = self._actions_by_customer(company, partners, by_partner)
        for partner_id, scenario_id in existing:
            batch["action_scenarios"].setdefault(partner_id, []).append(scenario_id)
        counts = dict.fromkeys(stats, 0)
        try:
            with self.env.cr.savepoint():
                self._plan_customers(company, partners, by_partner, existing, today, counts, batch)
            planned = partners
        except Exception:
            _logger.info(
                "dunning planning: batch failed, planning its customers one by one", exc_info=True
            )
            counts = dict.fromkeys(stats, 0)
            planned = self._plan_one_by_one(
                company, partners, by_partner, existing, today, counts, batch
            )
        for key, value in counts.items():
            stats[key] += value
        action_figures = self._action_figures(company, planned.ids)
        figures = {}
        for partner_id in planned.ids:
            rows = by_partner[partner_id]
            by_scenario = batch["items"].get(partner_id)
            if by_scenario is None:
                by_scenario = planning.collect_items(rows, None)
            items = [item for bucket in by_scenario.values() for item in bucket]
            figures[partner_id] = {
                **planning.customer_figures(items, rows[0]["balance"], today),
                **action_figures[partner_id],
                "dunning_skip_reason": self._skip_reason(
                    company, batch["settings"][partner_id], rows, today
                ),
                "dunning_planned_on": today,
            }
        self._write_figures(company, figures)

    def _plan_customers(self, company, partners, by_partner, existing, today, counts, batch):
        """Decide the actions of ``partners`` and create them (caller holds a savepoint)."""
        to_create = []
        for partner in partners:
            self._plan_partner(
                company, partner, by_partner[partner.id], existing, today, counts, to_create, batch
            )
        self._create_actions(company, partners, to_create, batch)

    def _plan_one_by_one(self, company, partners, by_partner, existing, today, stats, batch):
        """Plan each customer in its own savepoint; return those planned."""
        planned = partners.browse()
        for partner in partners:
            counts = dict.fromkeys(stats, 0)
            try:
                with self.env.cr.savepoint():
                    self._plan_customers(
                        company, partner, by_partner, existing, today, counts, batch
                    )
            except Exception:
                _logger.exception("dunning planning failed for customer %s", partner.id)
                stats["failed"] += 1
                continue
            for key, value in counts.items():
                stats[key] += value
            planned |= partner
        return planned

    def _customer_settings(self, company, partners):
        """What the rules read of each customer, for the whole batch.

        Plain values keyed by customer id: block, scenario and collector in
        ``company`` (the collector by the rule of
        ``res.partner._dunning_collector``) and the name the actions carry.
        """
        partners = partners.with_company(company)
        # only these fields: a plain read of res.partner fetches its hundred columns
        partners.fetch(
            [
                "name", "user_id", "dunning_block_reason", "dunning_block_until",
                "dunning_scenario_id", "dunning_collector_id",
            ]
        )  # fmt: skip
        (partners.dunning_collector_id | partners.user_id).fetch(["active"])
        default_collector = company.dunning_default_collector_id
        settings = {}
        for partner in partners:
            collector = next(
                (
                    user
                    for user in (partner.dunning_collector_id, default_collector, partner.user_id)
                    if user.active
                ),
                None,
            )
            settings[partner.id] = {
                "name": partner.name or "",
                "block_reason": partner.dunning_block_reason,
                "block_until": partner.dunning_block_until,
                "scenario_id": (
                    partner.dunning_scenario_id or company.dunning_default_scenario_id
                ).id,
                "collector_id": collector.id if collector else False,
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

    def _actions_by_customer(self, company, partners, by_partner):
        """Pending and recent executed actions of these customers, by (customer, scenario).

        Pending actions are read whatever their date: there is at most one per
        scenario and the planner must refresh or replace it, never add another.
        """
        oldest = min(
            (d for p in partners.ids for r in by_partner[p] for d in r["maturities"] if d),
            default=fields.Date.context_today(self),
        )
        actions = (
            self.env["dso.dunning.action"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", partners.ids),
                    ("state", "!=", "cancelled"),
                    "|",
                    ("state", "in", PENDING_STATES),
                    # an episode starts at most MAX_OFFSET days before its oldest item
                    ("date", ">=", oldest - datetime.timedelta(days=planning.MAX_OFFSET)),
                ],
                order="date, id",
            )
        )
        by_key = {}
        for action in actions:
            by_key.setdefault((action.partner_id.id, action.scenario_id.id), []).append(action)
        return by_key

    def _skip_reason(self, company, settings, rows, today):
        if settings["block_reason"] and (
            not settings["block_until"] or settings["block_until"] >= today
        ):
            return self.env._("Dunning blocked")
        if rows[0]["balance"] <= company.dunning_tolerance:
            return self.env._(
                "Net balance not above the tolerance: credit notes or payments cover what is due"
            )
        if not settings["scenario_id"] and not any(r["override_id"] for r in rows):
            return self.env._("No dunning scenario")
        return False

    def _plan_partner(self, company, partner, rows, existing, today, stats, to_create, batch):
        """Decide for one customer: refresh or cancel its actions in place, and
        append the values of the actions to create to ``to_create``."""
        settings = batch["settings"][partner.id]
        skip = self._skip_reason(company, settings, rows, today)
        items = batch["items"][partner.id] = planning.collect_items(rows, settings["scenario_id"])
        live = set()
        if not skip:
            for scenario_id in items:
                scenario = batch["scenarios"].get(scenario_id)
                if not scenario or not scenario.live:
                    continue
                live.add(scenario_id)
                actions = existing.get((partner.id, scenario_id), [])
                self._plan_scenario(
                    company,
                    partner,
                    scenario,
                    items[scenario_id],
                    actions,
                    today,
                    stats,
                    to_create,
                    settings,
                )
        else:
            stats["skipped"] += 1
        for scenario_id in batch["action_scenarios"].get(partner.id, ()):
            if scenario_id in live:
                continue
            pending = [a for a in existing[partner.id, scenario_id] if a.state in PENDING_STATES]
            for action in pending:
                action._cancel("credit" if skip else "paid")
            stats["cancelled"] += len(pending)

    def _plan_scenario(
        self, company, partner, scenario, items, actions, today, stats, to_create, settings
    ):
        """Create, refresh or escalate the one pending action of this scenario."""
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
                stats["cancelled"] += 1
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
                stats["updated"] += 1
            else:
                stats["cancelled"] += 1
            return
        if pending:
            pending._cancel("superseded")
            # Written now: the new action's INSERT checks the one-pending index.
            pending.flush_recordset(["state", "cancel_reason"])
            stats["cancelled"] += 1
        if decision:
            to_create.append(
                self._prepare_action_vals(
                    company, partner, scenario, decision, items, today, settings
                )
            )
            stats["created"] += 1

    def _line_commands(self, covered, date):
        return [fields.Command.create(vals) for vals in self._line_vals(covered, date)]

    def _line_vals(self, covered, date):
        return [
            {
                "move_line_id": item.line_id,
                "move_id": item.move_id,
                "date_maturity": item.maturity,
                "days_overdue": (date - item.maturity).days,
                "amount_residual": item.residual,
                "amount_residual_currency": item.residual_currency,
                "currency_id": item.currency_id,
            }
            for item in covered
        ]

    def _refresh(self, action, items, today):
        """Bring a pending action's items up to date; False when nothing is left."""
        date = max(action.date, today)
        offset = action.step_id.offset_days
        covered = planning.covered_items(items, offset, date)
        if planning.covered_amount(items, offset, date) <= action.company_id.dunning_tolerance:
            action._cancel("paid")
            return False
        old = {(line.move_line_id.id, line.amount_residual) for line in action.line_ids}
        if old != {(item.line_id, item.residual) for item in covered}:
            action.write(
                {
                    "line_ids": [fields.Command.clear(), *self._line_commands(covered, date)],
                    **planning.action_amounts(covered, today),
                }
            )
        return True

    def _prepare_action_vals(self, company, partner, scenario, decision, items, today, settings):
        """Values of a new action; ``items``: the open items it covers (not a field)."""
        step = scenario.steps[decision.step.id]
        covered = planning.covered_items(items, step["offset"], decision.date)
        return {
            "company_id": company.id,
            "partner_id": partner.id,
            "scenario_id": scenario.id,
            "step_id": decision.step.id,
            "step_rank": decision.step.sequence,
            "date": decision.date,
            "state": "to_confirm" if step["mode"] == "to_confirm" else "planned",
            "collector_id": settings["collector_id"],
            "cancel_reason": False,
            "items": covered,
            **planning.action_amounts(covered, today),
        }

    def _create_actions(self, company, partners, vals_list, batch):
        """Create the planned actions of ``partners`` in a few queries.

        A cancelled action with the same key (paid, then late again the same
        day) is reopened rather than duplicated. The others are inserted in
        SQL with their items and activities (see ``_insert_actions``).
        """
        if not vals_list:
            return []
        # Pending actions cancelled above are written before the INSERT
        # checks the one-pending index.
        self.env["dso.dunning.action"].flush_model(["state", "cancel_reason"])
        Action = self.env["dso.dunning.action"].sudo()
        same_day = Action.search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partners.ids),
                ("date", ">=", min(vals["date"] for vals in vals_list)),
            ]
        )
        by_key = {(a.partner_id.id, a.step_id.id, a.date): a for a in same_day}
        new = []
        for vals in vals_list:
            same_key = by_key.get((vals["partner_id"], vals["step_id"], vals["date"]))
            if not same_key:
                new.append(vals)
                continue
            vals = dict(vals)
            commands = self._line_commands(vals.pop("items"), vals["date"])
            same_key.with_context(mail_activity_quick_update=True).write(
                {**vals, "line_ids": [fields.Command.clear(), *commands]}
            )
        return self._insert_actions(company, new, batch)

    def _insert_actions(self, company, vals_list, batch):
        """Insert new actions with their items and activities, in a few queries.

        What ``create()`` did, at a fraction of its per-record cost: log
        columns, the stored computed fields (``name``; the step's mode and
        channels), the company check on scenario and step, the items, and for
        manual steps the collector's activity and following, as
        ``_schedule_collector_activities`` schedules them. Like the planner's
        ``create()`` before (``mail_create_nolog``, ``mail_create_nosubscribe``,
        ``mail_activity_quick_update``), it logs no creation message,
        subscribes no creator and emails no assignment. Returns the new ids.
        """
        if not vals_list:
            return []
        Action = self.env["dso.dunning.action"].sudo()
        scenarios, settings = batch["scenarios"], batch["settings"]
        rows = []
        for vals in vals_list:
            scenario = scenarios[vals["scenario_id"]]
            step = scenario.steps[vals["step_id"]]
            if company.id != scenario.company_id or company.id != step["company_id"]:
                # what create()'s company check refused: this customer fails
                raise ValueError(
                    f"scenario {scenario.id} of customer {vals['partner_id']} belongs to"
                    f" company {scenario.company_id}, not {company.id}"
                )
            rows.append(
                {
                    **{key: value for key, value in vals.items() if key != "items"},
                    "collector_id": vals["collector_id"] or None,
                    "name": f"{step['name']} — {settings[vals['partner_id']]['name']}",
                }
            )
        Action.flush_model()
        self.env["dso.dunning.step"].flush_model(CHANNELS + ("mode",))
        uid, now = self.env.uid, self.env.cr.now()
        inserted = self.env.execute_query(
            planning_sql.insert_actions(rows, company.currency_id.decimal_places, uid, now)
        )
        ids = {(partner_id, scenario_id): id_ for id_, partner_id, scenario_id in inserted}
        new = [(ids[vals["partner_id"], vals["scenario_id"]], vals) for vals in vals_list]
        columns = {
            name: []
            for name in (
                "action_id", "company_id", "move_line_id", "move_id", "date_maturity",
                "days_overdue", "amount_residual", "amount_residual_currency", "currency_id",
            )
        }  # fmt: skip
        for action_id, vals in new:
            for item in vals["items"]:
                columns["action_id"].append(action_id)
                columns["move_line_id"].append(item.line_id)
                columns["move_id"].append(item.move_id)
                columns["date_maturity"].append(item.maturity)
                columns["days_overdue"].append((vals["date"] - item.maturity).days)
                columns["amount_residual"].append(item.residual)
                columns["amount_residual_currency"].append(item.residual_currency)
                columns["currency_id"].append(item.currency_id)
        if columns["action_id"]:
            columns["company_id"] = [company.id] * len(columns["action_id"])
            self.env.execute_query(planning_sql.insert_action_lines(columns, uid, now))
        manual = [
            (action_id, vals, row)
            for (action_id, vals), row in zip(new, rows, strict=True)
            if scenarios[vals["scenario_id"]].steps[vals["step_id"]]["mode"] == "manual"
        ]
        self._insert_activities(manual, batch)
        actions = Action.browse(action_id for action_id, _vals in new)
        self._modified_created(actions)
        self.env["dso.dunning.action.line"].invalidate_model()
        self.env["res.partner"].invalidate_model(["dunning_action_ids"])
        return actions.ids

    def _modified_created(self, records):
        """Tell the ORM about ``records`` inserted in SQL, as ``_create()`` does.

        Their stored computed fields were inserted with them: protected, so
        that nothing recomputes them. Then the model's cache is dropped.
        """
        computed = [f for f in records._fields.values() if f.compute and f.store]
        with self.env.protecting(computed, records):
            records.modified(list(records._fields), create=True)
        records.invalidate_model()

    def _insert_activities(self, new, batch):
        """Activities of new manual actions, set-based, as ``activity_schedule`` makes them.

        ``new``: (action id, action values, action row). One activity each,
        for its collector (else the current user), due on the action's date;
        that user's partner follows the action with the default subtypes.
        The assigned users' activity counters are notified once per user.
        """
        if not new:
            return
        Activity = self.env["mail.activity"].sudo()
        IrModelData = self.env["ir.model.data"]
        types = {}
        for xmlid in ("mail.mail_activity_data_call", "mail.mail_activity_data_todo"):
            type_id = IrModelData._xmlid_to_res_id(xmlid, raise_if_not_found=False)
            types[xmlid] = self.env["mail.activity.type"].browse(type_id) or (
                Activity._default_activity_type()
            )
        users = (
            self.env["res.users"]
            .sudo()
            .browse({vals["collector_id"] or self.env.uid for _id, vals, _row in new})
        )
        tz = {user.id: user.tz or None for user in users}
        notes = {}
        rows = []
        for action_id, vals, row in new:
            step = batch["scenarios"][vals["scenario_id"]].steps[vals["step_id"]]
            activity_type = types[
                "mail.mail_activity_data_call"
                if step["channel_call"]
                else "mail.mail_activity_data_todo"
            ]
            note = step["help_text"] or activity_type.default_note
            if note not in notes:
                notes[note] = Activity._fields["note"].convert_to_column(note, Activity)
            user_id = vals["collector_id"] or self.env.uid
            rows.append(
                {
                    "res_id": action_id,
                    "res_name": row["name"],
                    "activity_type_id": activity_type.id,
                    "summary": step["name"] or activity_type.summary or None,
                    "note": notes[note],
                    "date_deadline": vals["date"],
                    "user_id": user_id,
                    "user_tz": tz[user_id],
                }
            )
        Activity.flush_model()
        uid, now = self.env.uid, self.env.cr.now()
        res_model_id = self.env["ir.model"]._get_id("dso.dunning.action")
        created = self.env.execute_query(
            planning_sql.insert_activities(rows, "dso.dunning.action", res_model_id, uid, now)
        )
        # message_subscribe(): the user's partner follows, unless archived
        # (the current user's partner always does), with the default subtypes.
        default, _internal, external = self.env["mail.message.subtype"].default_subtypes(
            "dso.dunning.action"
        )
        current = self.env.user.partner_id
        follows = {}  # {user id: (partner id, subtype ids)} of the users who follow
        for user in users:
            partner = user.partner_id
            if partner.active or partner == current:
                subtypes = external if partner.partner_share else default
                follows[user.id] = (partner.id, subtypes.ids)
        followers = [
            {
                "res_id": row["res_id"],
                "partner_id": follows[row["user_id"]][0],
                "subtype_ids": follows[row["user_id"]][1],
            }
            for row in rows
            if row["user_id"] in follows
        ]
        if followers:
            self.env["mail.followers"].flush_model()
            self.env.execute_query(planning_sql.insert_followers(followers, "dso.dunning.action"))
        self._modified_created(Activity.browse(id_ for id_, _user, _date in created))
        self.env["mail.followers"].invalidate_model()
        today = fields.Date.today()
        due_now = {}
        for _id, user_id, date_deadline in created:
            if date_deadline <= today:
                due_now[user_id] = due_now.get(user_id, 0) + 1
        for user_id, count in due_now.items():
            users.browse(user_id)._bus_send(
                "mail.activity/updated", {"activity_created": True, "count_diff": count}
            )

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    def _action_figures(self, company, partner_ids):
        """Current step, last and next dunning dates of customers, in two queries.

        The next action is the customer's earliest pending one, the last its
        latest executed one; the step is the next action's, else the last's.
        """
        Action = self.env["dso.dunning.action"]
        Action.flush_model(["company_id", "partner_id", "state", "step_id", "date"])
        Action.flush_model(["executed_date"])
        figures = {
            partner_id: {
                "dunning_step_id": False,
                "dunning_last_date": False,
                "dunning_next_date": False,
            }
            for partner_id in partner_ids
        }
        if not partner_ids:
            return figures
        where = SQL("company_id = %s AND partner_id IN %s", company.id, tuple(partner_ids))
        last = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (partner_id) partner_id, step_id, executed_date
                  FROM dso_dunning_action
                 WHERE %(where)s AND state IN %(states)s
              ORDER BY partner_id, executed_date DESC NULLS LAST, id DESC
                """,
                where=where,
                states=tuple(EXECUTED_STATES),
            )
        )
        for partner_id, step_id, executed_date in last:
            figures[partner_id].update(
                dunning_step_id=step_id,
                dunning_last_date=executed_date.date() if executed_date else False,
            )
        pending = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (partner_id) partner_id, step_id, date
                  FROM dso_dunning_action
                 WHERE %(where)s AND state IN %(states)s
              ORDER BY partner_id, date, id
                """,
                where=where,
                states=tuple(PENDING_STATES),
            )
        )
        for partner_id, step_id, date in pending:
            figures[partner_id].update(dunning_step_id=step_id, dunning_next_date=date)
        return figures

    def _write_figures(self, company, figures_by_partner):
        """Store customers' figures for ``company``, one UPDATE per batch.

        The figures are company-dependent: a jsonb column with one key per
        company. Only ``company``'s key is set, and an empty figure (0,
        False) removes it, as the ORM does. SQL rather than ``write()``: the
        values differ per customer, and res.partner's write overrides (address
        and user sync) would run customer by customer for read-only figures.
        """
        Partner = self.env["res.partner"].sudo().with_company(company)
        by_fields = {}
        for partner_id, figures in figures_by_partner.items():
            by_fields.setdefault(tuple(sorted(figures)), {})[partner_id] = {
                name: value.isoformat() if isinstance(value, datetime.date) else value or None
                for name, value in figures.items()
            }
        for fnames, values in by_fields.items():
            partners = Partner.browse(values)
            partners.modified(fnames, before=True)
            Partner.flush_model(fnames)
            self.env.execute_query(
                SQL(
                    """
                    UPDATE res_partner
                       SET %(assignments)s
                      FROM jsonb_each(%(values)s::jsonb) AS figures(partner_id, vals)
                     WHERE res_partner.id = figures.partner_id::int
                    """,
                    assignments=SQL(", ").join(
                        SQL(
                            "%(column)s = jsonb_strip_nulls(COALESCE(res_partner.%(column)s,"
                            " '{}'::jsonb)"
                            " || jsonb_build_object(%(company)s, figures.vals->%(name)s))",
                            column=SQL.identifier(name),
                            company=str(company.id),
                            name=name,
                        )
                        for name in fnames
                    ),
                    values=json.dumps(values),
                )
            )
            partners.invalidate_recordset(fnames)
            partners.modified(fnames)
