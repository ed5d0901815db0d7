from odoo import fields, models

from .account_move import DUNNING_READERS


class ResPartner(models.Model):
    """Commitments on the customer card: running ones and broken promises, counted;
    the status its items give the customer."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    dunning_commitment_count = fields.Integer(
        string="Running Commitments",
        compute="_compute_dunning_commitment_counts",
        groups=DUNNING_READERS,
    )
    dunning_broken_promise_count = fields.Integer(
        string="Broken Promises",
        compute="_compute_dunning_commitment_counts",
        groups=DUNNING_READERS,
        help="Promises to pay of this customer broken or only partially kept.",
    )

    dunning_item_status_id = fields.Many2one(
        "dso.dunning.status",
        string="Items Status",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        groups=DUNNING_READERS,
        help="What the customer's open items are in, the weightiest first: a dispute as soon "
        "as one item is disputed, else a broken promise, a promise to pay or a payment plan. "
        "It pauses nothing by itself: only the items concerned leave dunning. Written when "
        "commitments change.",
    )

    def _compute_dunning_commitment_counts(self):
        groups = self.env["dso.dunning.commitment"]._read_group(
            [
                ("partner_id", "in", self.ids),
                ("state", "in", ("open", "in_progress", "broken", "partial")),
            ],
            ["partner_id", "state"],
            ["__count"],
        )
        running, broken = {}, {}
        for partner, state, count in groups:
            counts = broken if state in ("broken", "partial") else running
            counts[partner.id] = counts.get(partner.id, 0) + count
        for partner in self:
            partner.dunning_commitment_count = running.get(partner.id, 0)
            partner.dunning_broken_promise_count = broken.get(partner.id, 0)
