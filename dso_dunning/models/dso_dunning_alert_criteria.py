from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import alert_domain
from ..tools.alert_domain import (
    CommitmentCriteria,
    Criteria,
    ItemCriteria,
    Range,
    range_from_fields,
)

OPERATORS = [("in", "Equal"), ("not in", "Different")]
ITEM_TYPE_KEYS = ("invoice", "refund", "other")
CRITERIA_FIELDS = (
    *(f"{key}_{side}" for key in alert_domain.AMOUNT_FIELDS for side in ("min", "max")),
    *(f"{key}_{suffix}" for key in alert_domain.RELATION_FIELDS for suffix in ("operator", "ids")),
    "above_guarantee",
    "not_dunned_days",
    "days_overdue_min",
    "days_overdue_max",
    "item_days_late_min",
    "item_days_late_max",
    "item_residual_min",
    "item_residual_max",
    *(f"item_type_{key}" for key in ITEM_TYPE_KEYS),
    *(f"item_status_{key}" for key in alert_domain.ITEM_STATUSES),
    "item_dunning_status_ids",
    "dispute_type_ids",
    "broken_promises",
    "broken_promise_days",
    "avg_days_late_min",
)


def _relation(comodel, relation, column, string):
    return fields.Many2many(comodel, relation, "alert_id", column, string=string)


class DsoDunningAlertCriteria(models.AbstractModel):
    """The criteria editor of an alert: the form a credit manager fills in.

    Amounts and numbers of days left at 0 are empty (no bound), as in the
    seed's form where the maximum box is left empty for "above". The fields
    map onto ``tools.alert_domain.Criteria`` (``_get_criteria``), which
    builds the domain.
    """

    _name = "dso.dunning.alert.criteria"
    _description = "Dunning Alert Criteria"

    # Customer figures (company currency)
    overdue_min = fields.Float(string="Overdue Amount", digits="Account")
    overdue_max = fields.Float(string="Overdue Amount Up To", digits="Account")
    total_due_min = fields.Float(string="Total Outstanding", digits="Account")
    total_due_max = fields.Float(string="Total Outstanding Up To", digits="Account")
    not_due_min = fields.Float(string="Not Yet Due", digits="Account")
    not_due_max = fields.Float(string="Not Yet Due Up To", digits="Account")
    guarantee_min = fields.Float(string="Credit-Insurance Guarantee", digits="Account")
    guarantee_max = fields.Float(string="Credit-Insurance Guarantee Up To", digits="Account")
    exposure_min = fields.Float(string="Outstanding Above Guarantee", digits="Account")
    exposure_max = fields.Float(string="Outstanding Above Guarantee Up To", digits="Account")
    above_guarantee = fields.Boolean(
        string="Outstanding Exceeds Guarantee",
        help="Customers whose total outstanding is above their current guarantee "
        "(customers without guarantee included).",
    )
    not_dunned_days = fields.Integer(
        string="Not Dunned For (Days)",
        help="Last dunning on or before today minus this many days; customers never "
        "dunned match too. 0: not used.",
    )
    days_overdue_min = fields.Integer(string="Days Overdue")
    days_overdue_max = fields.Integer(string="Days Overdue Up To")
    avg_days_late_min = fields.Integer(
        string="Average Days Late",
        help="Customers paying this many days late or more on average (invoices paid in the "
        "last 6 months, weighted by amount). 0: not used.",
    )
    # Equal / different
    collector_operator = fields.Selection(OPERATORS, default="in", required=True)
    collector_ids = _relation(
        "res.users", "dso_dunning_alert_collector_rel", "user_id", "Collectors"
    )
    scenario_operator = fields.Selection(OPERATORS, default="in", required=True)
    scenario_ids = _relation(
        "dso.dunning.scenario", "dso_dunning_alert_scenario_rel", "scenario_id", "Scenarios"
    )
    step_operator = fields.Selection(OPERATORS, default="in", required=True)
    step_ids = _relation("dso.dunning.step", "dso_dunning_alert_step_rel", "step_id", "Steps")
    category_operator = fields.Selection(OPERATORS, default="in", required=True)
    category_ids = _relation(
        "res.partner.category", "dso_dunning_alert_category_rel", "category_id", "Groups"
    )
    country_operator = fields.Selection(OPERATORS, default="in", required=True)
    country_ids = _relation(
        "res.country", "dso_dunning_alert_country_rel", "country_id", "Countries"
    )
    status_operator = fields.Selection(OPERATORS, default="in", required=True)
    status_ids = _relation(
        "dso.dunning.status", "dso_dunning_alert_status_rel", "status_id", "Dunning Statuses"
    )
    # Items: a customer matches when one of its open items matches them all
    item_days_late_min = fields.Integer(string="Item Days Late")
    item_days_late_max = fields.Integer(string="Item Days Late Up To")
    item_residual_min = fields.Float(string="Item Amount Due", digits="Account")
    item_residual_max = fields.Float(string="Item Amount Due Up To", digits="Account")
    item_type_invoice = fields.Boolean(string="Invoices")
    item_type_refund = fields.Boolean(string="Credit Notes")
    item_type_other = fields.Boolean(
        string="Other Entries", help="Payments and miscellaneous entries left open."
    )
    item_status_open = fields.Boolean(string="Open", help="Neither excluded nor blocked.")
    item_status_excluded = fields.Boolean(
        string="Excluded From Follow-up", help="Items flagged 'No Follow-Up'."
    )
    item_status_blocked = fields.Boolean(
        string="Blocked or Disputed",
        help="Items of invoices whose payment is blocked (the invoice's 'Block payment' "
        "button, used for disputed invoices).",
    )
    item_dunning_status_ids = fields.Many2many(
        "dso.dunning.status",
        "dso_dunning_alert_item_status_rel",
        "alert_id",
        "status_id",
        string="Item Statuses",
        domain=[("scope", "=", "item")],
        help="Items in one of these statuses (promise to pay, dispute, broken promise...).",
    )
    # Commitments: a customer matches when it has one matching each criterion
    dispute_type_ids = _relation(
        "dso.dunning.dispute.type",
        "dso_dunning_alert_dispute_type_rel",
        "dispute_type_id",
        "Open Disputes Of Type",
    )
    broken_promises = fields.Boolean(
        help="Customers with a promise to pay or a payment plan broken or only partially kept.",
    )
    broken_promise_days = fields.Integer(
        string="Broken In The Last (Days)",
        help="Only promises closed as broken or partially kept in this many days. 0: whenever.",
    )

    @api.constrains(*CRITERIA_FIELDS)
    def _check_criteria(self):
        labels = self._criteria_labels()
        for record in self:
            for code, key in alert_domain.problems(record._get_criteria()):
                if code == "range":
                    raise ValidationError(
                        self.env._(
                            "%(criterion)s: the minimum is above the maximum. Lower the "
                            "minimum, raise the maximum, or leave one of them at 0.",
                            criterion=labels[key],
                        )
                    )
                raise ValidationError(
                    self.env._(
                        "%(criterion)s: enter a number of days of 0 or more.",
                        criterion=labels[key],
                    )
                )

    def _criteria_labels(self):
        return {
            "overdue": self.env._("Overdue amount"),
            "total_due": self.env._("Total outstanding"),
            "not_due": self.env._("Not yet due"),
            "guarantee": self.env._("Credit-insurance guarantee"),
            "exposure": self.env._("Outstanding above guarantee"),
            "not_dunned_days": self.env._("Not dunned for"),
            "days_overdue": self.env._("Days overdue"),
            "item_days_late": self.env._("Item days late"),
            "item_residual": self.env._("Item amount due"),
            "broken_promise_days": self.env._("Broken promises in the last days"),
            "avg_days_late": self.env._("Average days late"),
        }

    def _get_criteria(self):
        self.ensure_one()
        return Criteria(
            amounts={
                key: range_from_fields(self[f"{key}_min"], self[f"{key}_max"])
                for key in alert_domain.AMOUNT_FIELDS
            },
            not_dunned_days=self.not_dunned_days or None,
            days_overdue=range_from_fields(self.days_overdue_min, self.days_overdue_max),
            above_guarantee=self.above_guarantee,
            relations={
                key: (self[f"{key}_operator"], tuple(self[f"{key}_ids"].ids))
                for key in alert_domain.RELATION_FIELDS
            },
            items=ItemCriteria(
                days_late=Range(self.item_days_late_min or None, self.item_days_late_max or None),
                residual=range_from_fields(self.item_residual_min, self.item_residual_max),
                types=frozenset(key for key in ITEM_TYPE_KEYS if self[f"item_type_{key}"]),
                statuses=frozenset(
                    key for key in alert_domain.ITEM_STATUSES if self[f"item_status_{key}"]
                ),
                status_ids=tuple(self.item_dunning_status_ids.ids),
            ),
            commitments=CommitmentCriteria(
                dispute_type_ids=tuple(self.dispute_type_ids.ids),
                broken_promises=self.broken_promises,
                broken_promise_days=self.broken_promise_days or None,
            ),
            avg_days_late=Range(self.avg_days_late_min or None, None),
        )
