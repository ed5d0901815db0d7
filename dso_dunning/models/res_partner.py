from odoo import api, fields, models

from .account_move import DUNNING_READERS


class ResPartner(models.Model):
    """Customers get a scenario, a collector, a collection contact, dunning
    figures (per company, written by the planning run) and blocks."""

    _inherit = "res.partner"

    dunning_scenario_id = fields.Many2one(
        "dso.dunning.scenario",
        company_dependent=True,
        help="Empty: the company's default scenario.",
    )
    dunning_collector_id = fields.Many2one(
        "res.users",
        string="Collector",
        company_dependent=True,
        domain=[("share", "=", False)],
        help="Empty: the company's default collector, then the salesperson.",
    )
    dunning_contact = fields.Boolean(
        string="Collection Contact",
        help="Dunning messages for the company go to this contact.",
    )
    dunning_contact_id = fields.Many2one(
        "res.partner", string="Dunning Recipient", compute="_compute_dunning_contact_id"
    )
    # Figures written by the planning run, per company.
    dunning_total_due = fields.Float(
        string="Total Outstanding", company_dependent=True, digits="Account", readonly=True
    )
    dunning_overdue_amount = fields.Float(
        string="Overdue Amount", company_dependent=True, digits="Account", readonly=True
    )
    dunning_oldest_due_date = fields.Date(
        string="Oldest Overdue Due Date", company_dependent=True, readonly=True
    )
    dunning_days_overdue = fields.Integer(
        string="Days Overdue", company_dependent=True, readonly=True
    )
    dunning_step_id = fields.Many2one(
        "dso.dunning.step", string="Current Step", company_dependent=True, readonly=True
    )
    dunning_last_date = fields.Date(
        string="Last Dunning Date", company_dependent=True, readonly=True
    )
    dunning_next_date = fields.Date(
        string="Next Action Date", company_dependent=True, readonly=True
    )
    dunning_skip_reason = fields.Char(
        string="Not Dunned Because", company_dependent=True, readonly=True
    )
    dunning_planned_on = fields.Date(company_dependent=True, readonly=True, copy=False)
    # Blocks
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
    dunning_action_ids = fields.One2many(
        "dso.dunning.action", "partner_id", string="Dunning Actions", groups=DUNNING_READERS
    )
    dunning_action_count = fields.Integer(
        compute="_compute_dunning_action_count", groups=DUNNING_READERS
    )

    @api.depends("child_ids.dunning_contact", "child_ids.type")
    def _compute_dunning_contact_id(self):
        for partner in self:
            commercial = partner.commercial_partner_id
            flagged = commercial.child_ids.filtered("dunning_contact")[:1]
            if flagged:
                partner.dunning_contact_id = flagged
                continue
            invoice_id = commercial.address_get(["invoice"])["invoice"]
            partner.dunning_contact_id = invoice_id or commercial

    def _compute_dunning_action_count(self):
        groups = self.env["dso.dunning.action"]._read_group(
            [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dunning_action_count = counts.get(partner.id, 0)

    def _dunning_collector(self, company):
        """Collector of this customer in ``company``: own, company default, salesperson."""
        self.ensure_one()
        partner = self.with_company(company)
        return partner.dunning_collector_id or company.dunning_default_collector_id or self.user_id

    def _dunning_scenario(self, company):
        self.ensure_one()
        return self.with_company(company).dunning_scenario_id or company.dunning_default_scenario_id

    def action_dunning_plan(self):
        """Plan these customers now (button on the customer form)."""
        self.env["dso.dunning.planner"]._plan(partners=self.commercial_partner_id, force=True)
        return self.action_view_dunning_actions()

    def action_view_dunning_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_dunning.dso_dunning_action_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_pending": 1}
        return action
