from odoo import api, models

from .account_move import ledger_pairs


class AccountPartialReconcile(models.Model):
    """A payment matched to an invoice (or unmatched) moves its customer's figures."""

    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._dunning_touch()
        return partials

    def unlink(self):
        self._dunning_touch()
        return super().unlink()

    def _dunning_touch(self):
        lines = self.debit_move_id | self.credit_move_id
        self.env["dso.dunning.figure.refresh"]._touch_ledger(ledger_pairs(lines))
