from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """Merged customers' page links die: Odoo would move them to the customer kept."""
        self.env["dso.dunning.portal.link"].sudo().search(
            [("partner_id", "in", list(partner_ids)), ("revoked", "=", False)]
        ).write({"revoked": True})
        return super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
