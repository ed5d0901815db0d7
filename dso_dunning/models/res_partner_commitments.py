from odoo import fields, models

from .account_move import DUNNING_READERS


class ResPartner(models.Model):
    """Commitments on the customer card: running ones and broken promises, counted."""

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
