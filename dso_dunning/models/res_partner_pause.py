from odoo import fields, models

from ..tools import pause
from ..tools.action_states import PENDING_STATES

# A change of these fields may pause dunning, or end the pause.
PAUSE_FIELDS = frozenset({"dunning_block_reason", "dunning_block_until", "dunning_status_id"})


class ResPartner(models.Model):
    """Blocks of a customer's dunning, and what an edit of the customer card does at once:
    a block or a pausing status cancels the pending actions, a date edited in the
    card's list reschedules, a corrected phone number sends a stopped text message again."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    dunning_block_reason = fields.Selection(
        [
            ("dispute", "Dispute"),
            ("promise", "Promise to pay"),
            ("negotiation", "Payment plan"),
            ("litigation", "Litigation"),
            ("other", "Other"),
        ],
        string="Dunning Blocked",
        tracking=True,
    )
    dunning_block_until = fields.Date(
        string="Blocked Until", tracking=True, help="Empty: until the block is removed."
    )
    dunning_block_note = fields.Text(string="Block Note")

    def write(self, vals):
        vals = dict(vals)
        reschedules = self._dunning_pop_reschedules(vals)
        sms_numbers = self._dunning_sms_numbers(vals)
        # Rescheduling needs the rights on actions, not on the customer.
        result = super().write(vals) if vals or not reschedules else True
        for (date, reason), actions in reschedules.items():
            self.env["dso.dunning.action.reschedule"].create(
                {"action_ids": [fields.Command.set(actions.ids)], "date": date, "reason": reason}
            ).action_apply()
        if sms_numbers:
            self._dunning_retry_sms(sms_numbers)
        if PAUSE_FIELDS & vals.keys():
            self._dunning_apply_pause()
        return result

    def _dunning_pause_label(self):
        """Why this customer's dunning is paused today ("Blocked: Dispute"), else False."""
        self.ensure_one()
        partner = self.commercial_partner_id
        today = fields.Date.context_today(self)
        if pause.is_blocked(partner.dunning_block_reason, partner.dunning_block_until, today):
            reasons = dict(self._fields["dunning_block_reason"]._description_selection(self.env))
            return self.env._("Blocked: %(reason)s", reason=reasons[partner.dunning_block_reason])
        if partner.dunning_status_id.pause_dunning:
            return self.env._("Status: %(status)s", status=partner.dunning_status_id.name)
        return False

    def _dunning_apply_pause(self):
        """A block or a pausing status takes effect at once; lifting it plans again.

        Pending actions of a paused customer are cancelled (reason: dunning
        paused, and why in their history); a customer no longer paused is
        planned now rather than at the next nightly run (so are the figures of both).
        """
        customers = self.commercial_partner_id
        labels = {partner: partner._dunning_pause_label() for partner in customers}
        paused = customers.filtered(lambda p: labels[p])
        pending = (
            self.env["dso.dunning.action"]
            .sudo()
            .search([("partner_id", "in", paused.ids), ("state", "in", PENDING_STATES)])
        )
        for action in pending:
            action._cancel("paused")
            action.message_post(
                body=self.env._("Dunning paused: %(why)s", why=labels[action.partner_id])
            )
        # figures and "not dunned because" of all, new actions for the resumed
        self.env["dso.dunning.planner"]._plan(partners=customers, force=True)

    def _dunning_pop_reschedules(self, vals):
        """Take the date changes of planned actions out of ``vals``.

        A date edited in the customer card's list goes through the reschedule
        wizard, like in the agenda: reason kept, message posted. Returns the
        actions to move by (date, reason); other changes stay in ``vals``.
        """
        commands = vals.get("dunning_pending_action_ids")
        if not commands:
            return {}
        Action = self.env["dso.dunning.action"]
        kept, moves = [], {}
        for command in commands:
            if command[0] != fields.Command.UPDATE or "date" not in command[2]:
                kept.append(command)
                continue
            action = Action.browse(command[1])
            values = dict(command[2])
            date = fields.Date.to_date(values["date"])
            if action.state not in PENDING_STATES or date == action.date:
                # The action's own checks apply (an executed one refuses).
                kept.append(command)
                continue
            del values["date"]
            reason = values.pop("reschedule_note", None) or self.env._(
                "Rescheduled from the customer card"
            )
            moves[date, reason] = moves.get((date, reason), Action) | action
            if values:
                kept.append(fields.Command.update(action.id, values))
        if kept:
            vals["dunning_pending_action_ids"] = kept
        else:
            del vals["dunning_pending_action_ids"]
        return moves
