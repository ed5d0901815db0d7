from odoo import api, fields, models
from odoo.tools import format_date


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
        return self.env["dso.dunning.aged.customer"].action_open_aged(self.as_of)
