from odoo import api, fields, models


class DsoDunningPlanner(models.AbstractModel):
    """Planning also refreshes the collection figures that follow the ledger.

    The customers planned get their average days late again (the ledger
    refresh plans those whose payments moved, within minutes); the nightly
    run refreshes every customer (payments leave the 6-month window) and
    the cash forecast of each company.
    """

    _inherit = "dso.dunning.planner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_plan(self):
        res = super()._cron_plan()
        companies = self.env["res.company"].search([("dunning_planning_enabled", "=", True)])
        self.env["dso.dunning.forecast"]._compute_forecast(companies)
        return res

    def _plan(self, companies=None, partners=None, today=None, force=False, in_cron=False):
        stats = super()._plan(
            companies=companies, partners=partners, today=today, force=force, in_cron=in_cron
        )
        today = today or fields.Date.context_today(self)
        ids = None if partners is None else partners.commercial_partner_id.ids
        self.env["res.partner"].sudo()._dunning_refresh_payment_behaviour(today, ids)
        return stats
