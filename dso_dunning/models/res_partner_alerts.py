from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools import credit_insurance
from .account_move import DUNNING_READERS
from .res_partner import FIGURES


class ResPartner(models.Model):
    """Alerts: not-yet-due figure, dunning status, credit insurance, squares."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    dunning_not_due_amount = fields.Float(
        string="Not Yet Due", digits="Account", **FIGURES["dunning_not_due_amount"]
    )
    dunning_status_id = fields.Many2one(
        "dso.dunning.status",
        tracking=True,
        index="btree_not_null",
        help="Empty: nothing special (normal).",
    )
    dunning_insurer_id = fields.Many2one(
        "res.partner", string="Credit Insurer", company_dependent=True
    )
    dunning_insurance_ref = fields.Char(string="Insurance Reference", company_dependent=True)
    dunning_insurance_amount = fields.Float(
        string="Permanent Guarantee", company_dependent=True, digits="Account"
    )
    dunning_insurance_temp_amount = fields.Float(
        string="Temporary Guarantee",
        company_dependent=True,
        digits="Account",
        help="Replaces the permanent guarantee until its end date.",
    )
    dunning_insurance_temp_start = fields.Date(string="Temporary From", company_dependent=True)
    dunning_insurance_temp_end = fields.Date(string="Temporary Until", company_dependent=True)
    dunning_insurance_currency_id = fields.Many2one(
        "res.currency",
        string="Guarantee Currency",
        compute="_compute_dunning_insurance_currency_id",
        help="Guarantees are in the company currency, like the outstanding figures.",
    )
    dunning_guarantee = fields.Float(
        string="Current Guarantee",
        digits="Account",
        compute="_compute_dunning_guarantee",
        search="_search_dunning_guarantee",
        help="The temporary guarantee while it runs, otherwise the permanent one.",
    )
    dunning_exposure = fields.Float(
        string="Outstanding Above Guarantee",
        digits="Account",
        compute="_compute_dunning_guarantee",
        search="_search_dunning_exposure",
    )
    # Alert item criteria search through it; collectors may not read journal
    # entries, so the search bypasses their access (alerts restrict the company).
    dunning_item_ids = fields.One2many(
        "account.move.line",
        "partner_id",
        string="Receivable Items",
        readonly=True,
        bypass_search_access=True,
    )
    # Alert commitment criteria search through it, as through the items.
    dunning_commitment_ids = fields.One2many(
        "dso.dunning.commitment",
        "partner_id",
        string="Commitments",
        readonly=True,
        bypass_search_access=True,
    )
    dunning_alert_ids = fields.Many2many(
        "dso.dunning.alert",
        string="Alerts",
        compute="_compute_dunning_alert_ids",
        groups=DUNNING_READERS,
    )

    @api.depends_context("company")
    def _compute_dunning_insurance_currency_id(self):
        self.dunning_insurance_currency_id = self.env.company.currency_id

    @api.depends_context("company")
    @api.depends(
        "dunning_total_due",
        "dunning_insurance_amount",
        "dunning_insurance_temp_amount",
        "dunning_insurance_temp_start",
        "dunning_insurance_temp_end",
    )
    def _compute_dunning_guarantee(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.dunning_guarantee = credit_insurance.effective_guarantee(
                partner.dunning_insurance_amount,
                partner.dunning_insurance_temp_amount,
                partner.dunning_insurance_temp_start,
                partner.dunning_insurance_temp_end,
                today,
            )
            partner.dunning_exposure = credit_insurance.exposure(
                partner.dunning_total_due, partner.dunning_guarantee
            )

    def _dunning_guarantee_sql(self, alias, query):
        """SQL of the current guarantee, same rule as the compute."""
        field_sql = {
            name: self._field_to_sql(alias, f"dunning_insurance_{name}", query)
            for name in ("amount", "temp_amount", "temp_start", "temp_end")
        }
        return SQL(
            """CASE WHEN COALESCE(%(temp_amount)s, 0) != 0
                      AND %(temp_end)s >= %(today)s
                      AND (%(temp_start)s IS NULL OR %(temp_start)s <= %(today)s)
                    THEN %(temp_amount)s ELSE COALESCE(%(amount)s, 0) END""",
            today=fields.Date.context_today(self),
            **field_sql,
        )

    def _dunning_figure_search(self, operator, value, expression):
        comparators = {"=": "=", "!=": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<="}
        if operator not in comparators or not isinstance(value, int | float):
            return NotImplemented

        def to_sql(model, alias, query):
            return SQL(
                "%s %s %s", expression(model, alias, query), SQL(comparators[operator]), value
            )

        return Domain.custom(to_sql=to_sql)

    def _search_dunning_guarantee(self, operator, value):
        return self._dunning_figure_search(
            operator, value, lambda model, alias, query: model._dunning_guarantee_sql(alias, query)
        )

    def _search_dunning_exposure(self, operator, value):
        def exposure(model, alias, query):
            total = model._field_to_sql(alias, "dunning_total_due", query)
            guarantee = model._dunning_guarantee_sql(alias, query)
            return SQL(
                "CASE WHEN %(guarantee)s > 0"
                " THEN GREATEST(COALESCE(%(total)s, 0) - %(guarantee)s, 0) ELSE 0 END",
                total=total,
                guarantee=guarantee,
            )

        return self._dunning_figure_search(operator, value, exposure)

    @api.depends_context("company", "uid")
    def _compute_dunning_alert_ids(self):
        """One search per alert the user may see, restricted to the customers at hand.

        Read with the user's rules even when computed as superuser (the
        agenda's related squares are): another user's private alert is
        never shown, nor read for someone else.
        """
        commercial = self._origin.commercial_partner_id
        alerts = self.env["dso.dunning.alert"].sudo(False).search([("active", "=", True)])
        matches = alerts._match_partners(commercial)
        for partner in self:
            partner_id = partner._origin.commercial_partner_id.id
            partner.dunning_alert_ids = [a.id for a in alerts if partner_id in matches[a.id]]
