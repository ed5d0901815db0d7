import datetime
import secrets

from odoo import api, fields, models
from odoo.tools import SQL, consteq

# Requests one link may serve per minute (page views, payments, replies and
# wrong tokens alike): far above a customer's use, far below a robot's.
RATE_LIMIT = 30
RATE_WINDOW = datetime.timedelta(minutes=1)
TOKEN_BYTES = 32


class DsoDunningPortalLink(models.Model):
    """The secret link of one customer (commercial partner) in one company to its own page.

    The URL carries the link's id and a random token (32 bytes, URL-safe);
    the token is compared in constant time. A link is dead when revoked,
    expired, or when its customer is archived (a merged customer is deleted
    with its link). Regenerating replaces the token: old URLs stop working.
    """

    _name = "dso.dunning.portal.link"
    _description = "Customer Page Link"
    _order = "id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    token = fields.Char(required=True, copy=False, groups="base.group_system")
    expiry_date = fields.Datetime(string="Valid Until", required=True)
    revoked = fields.Boolean(readonly=True)
    open_count = fields.Integer(string="Times Opened", readonly=True)
    last_open_date = fields.Datetime(string="Last Opened", readonly=True)
    hit_count = fields.Integer(readonly=True, groups="base.group_system")
    hit_window = fields.Datetime(readonly=True, groups="base.group_system")

    _partner_company_uniq = models.UniqueIndex(
        "(partner_id, company_id) WHERE NOT revoked",
        "A customer has one live page link per company.",
    )

    @api.model
    def _validity(self, company):
        return datetime.timedelta(days=max(company.dunning_portal_validity_days, 1))

    @api.model
    def _ensure(self, partner, company):
        """The live link of ``partner`` (its commercial entity) in ``company``,
        created or renewed as needed; its expiry moves to today + the validity
        of the Settings, as every reminder that carries it is sent."""
        partner = partner.commercial_partner_id
        now = fields.Datetime.now()
        link = self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", company.id),
                ("revoked", "=", False),
            ],
            limit=1,
        )
        expiry = now + self._validity(company)
        if link and link.expiry_date > now:
            link.expiry_date = max(link.expiry_date, expiry)
            return link
        link.revoked = True  # expired: a new token, the old URL stays dead
        return self.sudo().create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "token": secrets.token_urlsafe(TOKEN_BYTES),
                "expiry_date": expiry,
            }
        )

    def _url(self, action=None):
        self.ensure_one()
        base = self.company_id.get_base_url()
        url = f"{base}/dunning/page/{self.id}/{self.sudo().token}"
        return f"{url}?action={action.id}" if action else url

    def action_revoke(self):
        """Kill these links at once (Credit Manager): the URLs already sent stop working."""
        self.check_access("write")
        self.sudo().write({"revoked": True})
        return True

    def action_regenerate(self):
        """A new token in place of this one; the next reminders carry the new URL."""
        self.check_access("write")
        for link in self.filtered(lambda link: not link.revoked):
            link.sudo().revoked = True
            self._ensure(link.partner_id, link.company_id)
        return True

    @api.model
    def _check(self, link_id, token):
        """The live link ``link_id`` if ``token`` is its token, else an empty
        recordset. Counts the request against the link's rate limit: returns
        ``(link, throttled)``."""
        link = self.sudo().browse(link_id).exists()
        if not link or not token:
            return self.browse(), False
        throttled = link._hit()
        if not consteq(link.token, token) or throttled:
            return self.browse(), throttled
        partner = link.partner_id
        if (
            link.revoked
            or link.expiry_date <= fields.Datetime.now()
            or not partner.active
            or partner != partner.commercial_partner_id
        ):
            return self.browse(), False
        return link, False

    def _hit(self):
        """Count one request in the current window; True when over the limit.

        One atomic UPDATE: concurrent workers serialise on the row and all
        see the same count."""
        self.ensure_one()
        now = fields.Datetime.now()
        self.flush_recordset(["hit_count", "hit_window"])
        [(count,)] = self.env.execute_query(
            SQL(
                """
                UPDATE dso_dunning_portal_link
                   SET hit_count = CASE WHEN hit_window IS NULL OR hit_window <= %(start)s
                                        THEN 1 ELSE hit_count + 1 END,
                       hit_window = CASE WHEN hit_window IS NULL OR hit_window <= %(start)s
                                         THEN %(now)s ELSE hit_window END
                 WHERE id = %(id)s
             RETURNING hit_count
                """,
                start=now - RATE_WINDOW,
                now=now,
                id=self.id,
            )
        )
        self.invalidate_recordset(["hit_count", "hit_window"])
        return count > RATE_LIMIT

    def _record_open(self, action):
        """The customer opened the page (from ``action``'s reminder, if any)."""
        self.ensure_one()
        now = fields.Datetime.now()
        self.sudo().write({"open_count": self.open_count + 1, "last_open_date": now})
        if action:
            action.sudo()._record_portal_event("open", now)
