from odoo import fields, models


class DsoDunningAction(models.Model):
    """The follow-up of a broken commitment, as a dunning action.

    Made at once when a promise or a payment plan is broken (or partially
    kept), in the company's follow-up scenario (``dso_dunning_scenario_followup``):
    the planner leaves it alone, it is done, sent or cancelled like any other
    action, and shows in the agenda (Manual tab for calls and tasks).
    """

    _inherit = "dso.dunning.action"  # pylint: disable=consider-merging-classes-inherited

    commitment_id = fields.Many2one(
        "dso.dunning.commitment",
        string="Follow-up Of",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The broken promise or payment plan this action follows up.",
    )
