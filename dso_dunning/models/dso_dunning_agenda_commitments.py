from odoo import models
from odoo.tools import split_every

from .dso_dunning_agenda import CHUNK


class DsoDunningAgenda(models.AbstractModel):
    """The history export's third sheet: the commitments of the exported customers.

    Which commitments: those of the customers of the exported actions (the
    history the user filtered), whatever their date, so that an export of one
    customer's history shows its promises and disputes and how they ended.
    The user's access rules apply to both (companies, roles); a date filter
    of the history selects the customers, not the commitments.
    """

    _inherit = "dso.dunning.agenda"  # pylint: disable=consider-merging-classes-inherited

    def _history_sheets(self, domain, ids):
        sheets = super()._history_sheets(domain, ids)
        sheets.append(
            (
                self.env._("Commitments"),
                self._history_commitment_headers(),
                self._history_commitment_rows(domain),
            )
        )
        return sheets

    def _history_commitment_headers(self):
        return [
            self.env._("Kind"),
            self.env._("Customer"),
            self.env._("Items"),
            self.env._("Amount"),
            self.env._("Paid Since"),
            self.env._("Currency"),
            self.env._("Date"),
            self.env._("State"),
            self.env._("Resolution"),
            self.env._("Dispute Type"),
            self.env._("Resolver"),
            self.env._("Created On"),
            self.env._("Closed On"),
            self.env._("Days to Resolve"),
        ]

    def _history_commitments_domain(self, domain):
        """Commitments of the customers of the history matching ``domain``."""
        customers = self.env["dso.dunning.action"]._read_group(
            self._history_domain(domain), ["partner_id"]
        )
        return [("partner_id", "in", [partner.id for (partner,) in customers])]

    def _history_commitment_rows(self, domain):
        """The rows of the Commitments sheet, newest first, read per chunk."""
        Commitment = self.env["dso.dunning.commitment"]
        labels = {
            fname: dict(Commitment._fields[fname]._description_selection(self.env))
            for fname in ("kind", "state", "resolution")
        }
        ids = Commitment.search(self._history_commitments_domain(domain)).ids
        for chunk in split_every(CHUNK, ids):
            for commitment in Commitment.browse(chunk):
                # The items are part of what the user may read; their document
                # names are not worth an accounting right.
                items = commitment.sudo().move_line_ids
                yield (
                    labels["kind"].get(commitment.kind),
                    commitment.partner_id.display_name,
                    ", ".join(items.mapped(lambda line: line.move_name or line.name or "")),
                    commitment.amount,
                    commitment.amount_paid,
                    commitment.currency_id.name,
                    commitment.date,
                    labels["state"].get(commitment.state),
                    labels["resolution"].get(commitment.resolution),
                    commitment.dispute_type_id.name,
                    commitment.resolver_id.name,
                    commitment.create_date,
                    commitment.date_closed,
                    commitment.resolution_days if commitment.state == "resolved" else None,
                )
            self.env.invalidate_all()
