from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    dunning_portal_link_ids = fields.One2many(
        "dso.dunning.portal.link", "partner_id", string="Customer Page Links"
    )

    def action_dunning_portal_links(self):
        """The customer's page links, with their use; a Credit Manager may create one."""
        self.ensure_one()
        Link = self.env["dso.dunning.portal.link"]
        if Link.has_access("write"):
            Link._ensure(self.commercial_partner_id, self.env.company)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer Page Links"),
            "res_model": Link._name,
            "view_mode": "list",
            "domain": [("partner_id", "=", self.commercial_partner_id.id)],
            "context": {"create": False},
        }
