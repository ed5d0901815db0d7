from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..models.dso_dunning_aged_balance import AS_OF_KEY


class DsoDunningAgedBalanceOpen(models.TransientModel):
    """Choose the date an aged balance is taken at, then open it."""

    _name = "dso.dunning.aged.balance.open"
    _description = "Open the Aged Balance as of a Date"
    _rec_name = "as_of"

    as_of = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="Items posted after this date are left out; payments and credit notes reconciled "
        "after it are ignored.",
    )

    @api.depends("as_of")
    @api.depends_context("lang")
    def _compute_display_name(self):
        # the page's title, as the report it opens is named (not 2026-12-07)
        for wizard in self:
            wizard.display_name = self.env._(
                "Aged Balance as of %(date)s", date=format_date(self.env, wizard.as_of)
            )

    def action_open(self):
        self.ensure_one()
        if self.as_of > fields.Date.context_today(self):
            raise UserError(
                self.env._("Choose today or a past date: the future is not booked yet.")
            )
        action = self.env["dso.dunning.kpi"]._action_open_report(
            "dso_dunning.dso_dunning_aged_balance_action"
        )
        action["context"] = {**action["context"], AS_OF_KEY: fields.Date.to_string(self.as_of)}
        action["name"] = action["display_name"] = self.env._(
            "Aged Balance as of %(date)s", date=format_date(self.env, self.as_of)
        )
        return action
