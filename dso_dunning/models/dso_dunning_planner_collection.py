from odoo import api, fields, models


class DsoDunningPlanner(models.AbstractModel):
    """Planning also refreshes the collection figures that follow the ledger.

    Customers planned one by one or a batch at a time (the ledger refresh
    after a payment, a new promise or dispute, the customer card) get their
    average days late and their rows of the cash forecast again. The
    nightly run refreshes every customer's average (payments leave the
    6-month window) and writes each company's whole forecast (the dates
    move with today) unless the forecast job already wrote it today.
    """

    _inherit = "dso.dunning.planner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_plan(self):
        res = super()._cron_plan()
        today = fields.Date.context_today(self)
        self.env["res.partner"].sudo()._dunning_refresh_payment_behaviour(today)
        companies = self.env["res.company"].search([("dunning_planning_enabled", "=", True)])
        # not again when the forecast job already wrote it today (opened first)
        self.env["dso.dunning.forecast"]._compute_forecast(companies, only_stale=True)
        return res

    def _plan(self, companies=None, partners=None, today=None, force=False, in_cron=False):
        stats = super()._plan(
            companies=companies, partners=partners, today=today, force=force, in_cron=in_cron
        )
        if partners is not None:
            ids = partners.commercial_partner_id.ids
            day = today or fields.Date.context_today(self)
            self.env["res.partner"].sudo()._dunning_refresh_payment_behaviour(day, ids)
            self.env["dso.dunning.forecast"]._compute_forecast(
                companies or self.env.companies, partner_ids=ids
            )
        return stats
