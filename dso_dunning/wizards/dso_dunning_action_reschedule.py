from odoo import api, fields, models
from odoo.tools import format_date

from ..tools.action_states import PENDING_STATES


class DsoDunningActionReschedule(models.TransientModel):
    """Move one or several pending actions to a new date, with a reason."""

    _name = "dso.dunning.action.reschedule"
    _description = "Reschedule Dunning Actions"

    action_ids = fields.Many2many("dso.dunning.action", string="Actions", required=True)
    date = fields.Date(string="New Date", required=True, default=fields.Date.context_today)
    reason = fields.Char(help="Kept in the action's history.")
    action_count = fields.Integer(compute="_compute_action_count")

    @api.depends("action_ids")
    def _compute_action_count(self):
        for wizard in self:
            wizard.action_count = len(wizard.action_ids)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if (
            "action_ids" in fields_list
            and not values.get("action_ids")
            and context.get("active_model") == "dso.dunning.action"
        ):
            values["action_ids"] = [fields.Command.set(context.get("active_ids", []))]
        # Refused when it opens, not after it is filled in.
        commands = values.get("action_ids") or []
        ids = [
            id_ for command in commands if command[0] == fields.Command.SET for id_ in command[2]
        ]
        if ids:
            self._pending(self.env["dso.dunning.action"].browse(ids))
        return values

    def _pending(self, actions):
        return actions._filter_or_raise(
            lambda a: a.state in PENDING_STATES, actions._reschedule_refusal()
        )

    def action_apply(self):
        self.ensure_one()
        pending = self._pending(self.action_ids)
        for action in pending:
            old = action.date
            action.write({"date": self.date, "reschedule_note": self.reason or False})
            action.message_post(
                body=self.env._(
                    "Rescheduled from %(old)s to %(new)s. %(reason)s",
                    old=format_date(self.env, old),
                    new=format_date(self.env, self.date),
                    reason=self.reason or "",
                )
            )
        return {"type": "ir.actions.act_window_close"}
