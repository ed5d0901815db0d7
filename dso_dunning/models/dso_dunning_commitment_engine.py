from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import commitments
from ..tools.action_states import PENDING_STATES

# Context key: the caller plans the customers itself (the ledger refresh job).
NO_REPLAN = "dso_dunning_no_replan"


class DsoDunningCommitmentEngine(models.AbstractModel):
    """What commitments do to items and planning.

    An item's status is written on the journal item (``dunning_status_id``)
    whenever a commitment covering it is made, changes state or is deleted:
    the latest commitment covering the item decides. Nothing is computed
    when Odoo posts or reconciles other entries. The customers concerned are
    then planned again at once: a pending action whose items are all paused
    is cancelled, the others are refreshed without the paused items.
    """

    _name = "dso.dunning.commitment.engine"
    _description = "Dunning Commitments Engine"

    @api.model
    def _apply(self, lines, customers):
        """Write the status of ``lines``, then plan ``customers`` ({(company id, partner id)})."""
        self._write_item_statuses(lines)
        self._write_customer_statuses(
            self.env["res.partner"].browse({partner_id for _company, partner_id in customers})
        )
        if customers and not self.env.context.get(NO_REPLAN):
            self._replan(customers)

    @api.model
    def _write_item_statuses(self, lines):
        if not lines:
            return
        Commitment = self.env["dso.dunning.commitment"]
        Commitment.flush_model(["status_id", "move_line_ids"])
        self.env.execute_query(
            SQL(
                """
                UPDATE account_move_line aml
                   SET dunning_status_id = (
                       SELECT commitment.status_id
                         FROM dso_dunning_commitment_move_line_rel rel
                         JOIN dso_dunning_commitment commitment
                           ON commitment.id = rel.commitment_id
                        WHERE rel.move_line_id = aml.id
                     ORDER BY commitment.id DESC
                        LIMIT 1)
                 WHERE aml.id IN %(ids)s
                """,
                ids=tuple(lines.ids),
            )
        )
        lines.invalidate_recordset(["dunning_status_id"])

    @api.model
    def _write_customer_statuses(self, partners):
        """The customers' items status: the weightiest status of their open items
        (a dispute first, then by sequence), in every company."""
        if not partners:
            return
        partners = partners.sudo().commercial_partner_id
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search_fetch(
                [
                    ("partner_id", "child_of", partners.ids),
                    ("dunning_status_id", "!=", False),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                ],
                ["partner_id", "dunning_status_id"],
            )
        )
        statuses = {}
        for line in lines:
            statuses.setdefault(line.partner_id.commercial_partner_id, set()).add(
                line.dunning_status_id
            )
        for partner in partners:
            status = min(
                statuses.get(partner, ()),
                key=lambda s: (not s.is_dispute, s.sequence, s.id),
                default=self.env["dso.dunning.status"],
            )
            if partner.dunning_item_status_id != status:
                partner.dunning_item_status_id = status

    @api.model
    def _replan(self, customers):
        by_company = {}
        for company_id, partner_id in customers:
            by_company.setdefault(company_id, set()).add(partner_id)
        Planner = self.env["dso.dunning.planner"].sudo()
        for company_id, partner_ids in by_company.items():
            company = self.env["res.company"].browse(company_id)
            partners = self.env["res.partner"].browse(sorted(partner_ids))
            self._cancel_paused_actions(company, partners)
            Planner._plan(companies=company, partners=partners, force=True)

    @api.model
    def _cancel_paused_actions(self, company, partners):
        """Pending actions that list only paused items are cancelled, with why."""
        actions = (
            self.env["dso.dunning.action"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", partners.ids),
                    ("state", "in", PENDING_STATES),
                    # a commitment's follow-up is about the items it pauses
                    ("commitment_id", "=", False),
                ]
            )
        )
        for action in actions:
            items = action.line_ids.move_line_id
            if not items or not all(item.dunning_status_id.pause_dunning for item in items):
                continue
            action._cancel("paused")
            action.message_post(
                body=self.env._(
                    "Dunning paused: its items are in status %(statuses)s.",
                    statuses=", ".join(items.dunning_status_id.mapped("name")),
                )
            )

    @api.model
    def _evaluate_promises(self, domain, today=None):
        """Close the running promises and payment plans of ``domain`` that are kept
        or broken; mark the plans' instalments paid or missed.

        Returns the customers whose promises or plans were closed ({(company id, partner id)}).
        """
        today = today or fields.Date.context_today(self)
        running = (
            self.env["dso.dunning.commitment"]
            .sudo()
            .search([("kind", "in", commitments.PAYMENT_KINDS), ("state", "=", "open"), *domain])
        )
        closed = set()
        for commitment in running:
            residual = sum(commitment.move_line_ids.mapped("amount_residual"))
            paid = commitment.amount_start - residual
            rounding = commitment.currency_id.rounding / 2
            grace = commitment.company_id.dunning_promise_grace_days
            if commitment.kind == "plan":
                state = self._evaluate_instalments(commitment, paid, residual, today, rounding)
            else:
                deadline = commitments.promise_deadline(commitment.date, grace)
                state = commitments.promise_outcome(
                    commitment.amount, paid, residual, deadline, today, rounding=rounding
                )
            vals = {"amount_paid": paid} if paid != commitment.amount_paid else {}
            if state != "open":
                vals.update(state=state, date_closed=today)
                closed.add((commitment.company_id.id, commitment.partner_id.id))
            if vals:
                commitment.write(vals)
        return closed

    @api.model
    def _close_settled_disputes(self, domain):
        """Resolve the running disputes of ``domain`` whose items are all settled:
        by a credit note when one settled them, else as withdrawn (the customer
        paid what it disputed)."""
        running = (
            self.env["dso.dunning.commitment"]
            .sudo()
            .search(
                [("kind", "=", "dispute"), ("state", "in", commitments.RUNNING_STATES), *domain]
            )
        )
        settled = running.filtered(
            lambda c: c.move_line_ids and all(c.move_line_ids.mapped("reconciled"))
        )
        for dispute in settled:
            counterparts = dispute.move_line_ids.matched_credit_ids.credit_move_id.move_id
            by_credit_note = any(move.move_type == "out_refund" for move in counterparts)
            dispute._resolve("credit_note" if by_credit_note else "withdrawn")
        return settled

    @api.model
    def _evaluate_instalments(self, plan, paid, residual, today, rounding):
        """Write the state of each instalment of ``plan``; the plan's state."""
        instalments = plan.instalment_ids.sorted(lambda i: (i.date, i.id))
        if residual <= rounding:
            states = ["paid"] * len(instalments)
        else:
            states = commitments.instalment_states(
                [(i.date, i.amount) for i in instalments],
                paid,
                today,
                plan.company_id.dunning_promise_grace_days,
                rounding=rounding,
            )
        for instalment, state in zip(instalments, states, strict=True):
            if instalment.state != state:
                instalment.state = state
        outcome = commitments.plan_outcome(states, residual, paid, rounding=rounding)
        plan._follow_up_instalments(instalments, today, due=outcome == "open")
        return outcome

    @api.model
    def _close_passed_promises(self):
        """Promises whose deadline passed are kept, partially kept or broken; payment
        plans' instalments are paid or missed; disputes past their target date are
        followed up (nightly run).

        Their customers are planned again at once: a broken promise's items
        are dunned from today.
        """
        today = fields.Date.context_today(self)
        # Past their date, whatever the grace period: the rule decides per company.
        # Plans: an instalment may be missed long before the plan's last date.
        engine = self.with_context(**{NO_REPLAN: True})
        due = ["|", ("kind", "=", "plan"), ("date", "<", today)]
        closed = engine._evaluate_promises(due, today)
        self.env["dso.dunning.commitment"]._follow_up_late_disputes(today)
        if closed:
            self._replan(closed)
