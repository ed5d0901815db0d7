from odoo import fields, models


class DsoDunningAction(models.Model):
    """The customer's page as seen from a reminder: its link and what the customer did."""

    _inherit = "dso.dunning.action"  # pylint: disable=consider-merging-classes-inherited

    portal_open_count = fields.Integer(
        string="Page Opened",
        readonly=True,
        help="Times the customer opened its page from this reminder.",
    )
    portal_first_open_date = fields.Datetime(string="Page First Opened", readonly=True)
    portal_last_open_date = fields.Datetime(string="Page Last Opened", readonly=True)
    portal_opened = fields.Boolean(
        string="Customer Page Opened",
        readonly=True,
        index=True,
        help="The customer opened its page from this reminder's link.",
    )

    def _portal_url(self):
        """The customer's page, for the reminder's templates (email, SMS, letter).

        Rendering a reminder renews its link (see ``_ensure``)."""
        self.ensure_one()
        link = self.env["dso.dunning.portal.link"]._ensure(self.partner_id, self.company_id)
        return link._url(self)

    def _record_portal_event(self, event, when, body=None):
        """``event``: "open" (counted), or something the customer did, posted on the action."""
        self.ensure_one()
        if event == "open":
            self.write(
                {
                    "portal_open_count": self.portal_open_count + 1,
                    "portal_first_open_date": self.portal_first_open_date or when,
                    "portal_last_open_date": when,
                    "portal_opened": True,
                }
            )
            return
        self.message_post(body=body, author_id=self.partner_id.id)
