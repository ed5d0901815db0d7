import datetime

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount, format_date

from ..tools import commitments, planning
from ..tools.action_states import PENDING_STATES

CONFIRMATION_TEMPLATE = "dso_dunning.mail_template_commitment_confirmation"


class DsoDunningCommitment(models.Model):
    """Payment plans, the confirmation to the customer and the follow-up of broken promises.

    A payment plan is paid in instalments, checked like a promise: a missed
    instalment breaks it. A promise or a plan may be confirmed to the
    customer by email (posted on the customer's thread, in the customer's
    language). When one is broken or partially kept, a follow-up action is
    planned in the agenda at once (``_plan_followup``).
    """

    _inherit = "dso.dunning.commitment"  # pylint: disable=consider-merging-classes-inherited

    instalment_ids = fields.One2many(
        "dso.dunning.commitment.instalment", "commitment_id", string="Instalments", copy=True
    )
    confirmation_message_id = fields.Many2one(
        "mail.message",
        string="Confirmation Sent",
        readonly=True,
        copy=False,
        help="The confirmation emailed to the customer.",
    )
    followup_date = fields.Date(
        string="Follow-up On",
        readonly=True,
        copy=False,
        index=True,
        help="Broken or partially kept: when the customer is followed up. A dispute past "
        "its target date: when its resolver was reminded.",
    )
    followup_action_id = fields.Many2one(
        "dso.dunning.action",
        string="Follow-up Action",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="Broken or partially kept: the action planned in the agenda at once (a call "
        "for the collector by default, per the follow-up of the Broken promise status).",
    )
    followup_activity_id = fields.Many2one(
        "mail.activity",
        string="Follow-up Activity",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="A dispute past its target date: the resolver's activity to follow it up.",
    )

    @api.constrains("kind", "instalment_ids", "state")
    def _check_plan(self):
        for plan in self.filtered(lambda c: c.kind == "plan"):
            if plan.state not in commitments.RUNNING_STATES:
                continue
            if not plan.instalment_ids or any(i.amount <= 0 for i in plan.instalment_ids):
                raise ValidationError(
                    self.env._("A payment plan needs instalments, each with a positive amount.")
                )

    def write(self, vals):
        running = self.filtered(lambda c: c.state in commitments.RUNNING_STATES)
        result = super().write(vals)
        if vals.get("state") in commitments.BROKEN_STATES:
            running.filtered(lambda c: c.kind in commitments.PAYMENT_KINDS)._plan_followup()
        if "date" in vals:
            # a dispute given a new target date is followed up again when it passes
            running.filtered(lambda c: c.kind == "dispute" and c.followup_date).sudo().write(
                {"followup_date": False}
            )
        return result

    def action_send_confirmation(self):
        """Email the customer what they committed to: items, amount, date(s)."""
        template = self.env.ref(CONFIRMATION_TEMPLATE)
        for commitment in self:
            if commitment.kind not in commitments.PAYMENT_KINDS:
                raise UserError(self.env._("Only a promise or a payment plan can be confirmed."))
            contact = commitment.partner_id.dunning_contact_id or commitment.partner_id
            if not contact.email:
                raise UserError(
                    self.env._(
                        "No email address on %(contact)s: add one on the customer card, then "
                        "send the confirmation.",
                        contact=contact.display_name,
                    )
                )
            # sudo: the template lists the items, which a collector may not read
            rendered = {
                name: template.sudo()._render_field(name, commitment.ids, compute_lang=True)[
                    commitment.id
                ]
                for name in ("subject", "body_html", "email_from")
            }
            # sudo: a collector may not write the customer, yet posts on its thread
            # (as the reminders do); the author stays the user.
            message = commitment.partner_id.sudo().message_post(
                body=rendered["body_html"],
                subject=rendered["subject"],
                email_from=rendered["email_from"] or None,
                partner_ids=contact.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            commitment.confirmation_message_id = message
            commitment.message_post(
                body=self.env._("Confirmation emailed to %(contact)s.", contact=contact.name)
            )
        return True

    def _plan_followup(self):
        """Follow up broken promises and plans at once: a dunning action on their items
        still owed, by the channel and mode of their status (call by default), dated
        today plus the status's follow-up delay, for the customer's collector."""
        today = fields.Date.context_today(self)
        for commitment in self.sudo():
            status = commitment.status_id
            date = today + datetime.timedelta(days=status.followup_days)
            action = commitment._followup_action(status, date, commitment._followup_reason())
            if action:
                commitment.write({"followup_date": date, "followup_action_id": action.id})

    def _follow_up_instalments(self, instalments, today, due=True):
        """One follow-up per instalment of this plan due and not paid yet (``due``: the
        plan still runs): an action dated today, by the channel and mode of the plan's
        status (Payment plan). The pending follow-ups of instalments paid since are
        cancelled."""
        self.ensure_one()
        for instalment in instalments.filtered(
            lambda i: due and i.state == "pending" and i.date <= today and not i.followup_action_id
        ):
            reason = self.env._(
                "Instalment of %(amount)s due on %(date)s, not paid yet.",
                amount=format_amount(self.env, instalment.amount, self.currency_id),
                date=format_date(self.env, instalment.date),
            )
            instalment.followup_action_id = self._followup_action(self.status_id, today, reason)
        # paid since: its follow-up has nothing left to ask
        paid = instalments.filtered(lambda i: i.state == "paid").followup_action_id
        paid.filtered(lambda a: a.state in PENDING_STATES and a.commitment_id == self)._cancel(
            "paid"
        )

    def _followup_action(self, status, date, reason):
        """The follow-up action of this commitment on ``date``, on its items still owed,
        by ``status``'s channel and mode; ``reason`` goes to its history. The customer
        has one pending follow-up at most: one already there takes this one too. None
        when nothing is owed any more."""
        self.ensure_one()
        items = self.sudo().move_line_ids.filtered(lambda l: not l.reconciled)
        if not items:
            return self.env["dso.dunning.action"]
        Action = self.env["dso.dunning.action"].sudo()
        company, partner = self.company_id, self.partner_id
        step = self.env["dso.dunning.scenario"]._commitment_followup_step(
            company, status.followup_channel or "call", status.followup_mode or "manual"
        )
        action = Action.search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "=", partner.id),
                ("scenario_id", "=", step.scenario_id.id),
                ("state", "!=", "cancelled"),
                "|",
                ("state", "in", PENDING_STATES),
                "&",
                ("step_id", "=", step.id),
                ("date", "=", date),
            ],
            limit=1,
        )
        if action.state in PENDING_STATES:
            action.message_post(
                body=Markup("%s<br/>%s")
                % (
                    self.env._("Also follows up %(commitment)s.", commitment=self.display_name),
                    reason,
                )
            )
            return action
        if action:
            return action
        covered = [
            planning.Item(
                line_id=line.id,
                move_id=line.move_id.id,
                maturity=line.date_maturity or line.date,
                residual=line.amount_residual,
                residual_currency=line.amount_residual_currency,
                currency_id=line.currency_id.id,
            )
            for line in items.sorted(lambda l: (l.date_maturity or l.date, l.id))
        ]
        today = fields.Date.context_today(self)
        action = Action.create(
            {
                "company_id": company.id,
                "partner_id": partner.id,
                "scenario_id": step.scenario_id.id,
                "step_id": step.id,
                "step_rank": 1,
                "date": date,
                "state": "to_confirm" if step.mode == "to_confirm" else "planned",
                "collector_id": (partner._dunning_collector(company) or self.create_uid).id,
                "commitment_id": self.id,
                "line_ids": self.env["dso.dunning.planner"]._line_commands(covered, date),
                **planning.action_amounts(covered, today),
            }
        )
        action.message_post(body=Markup("%s<br/>%s") % (reason, self.item_summary or ""))
        return action

    def _followup_reason(self):
        """Why the collector follows up a broken promise or plan."""
        self.ensure_one()
        if self.kind == "plan":
            return self.env._("Payment plan not kept: an instalment was missed.")
        return self.env._(
            "Promise to pay not kept by %(date)s.", date=format_date(self.env, self.date)
        )
