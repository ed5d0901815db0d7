import email
import io
import os
import pathlib
import re
from unittest.mock import patch

from aiosmtpd.controller import Controller
from PIL import Image

from odoo.tests import tagged

from .screenshots import capturing_screenshots
from .test_portal import DunningPortalCase
from .test_smtp_e2e import free_port


class KeepingHandler:
    """An SMTP server's DATA handler that keeps every message it accepts, whole."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted"


def html_part(message):
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return ""


@tagged("post_install", "-at_install")
class TestPortalTour(DunningPortalCase):
    """The customer, not logged in, acts on its page in a real browser.

    The pay tour takes the README's picture of the page
    (``docs/screenshots/customer_page.png`` when ``$DSO_SCREENSHOTS_DIR`` is set).
    """

    browser_size = "1440x1100"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.user_admin").tour_enabled = False
        cls.user_collector.tour_enabled = False
        # any day, all day: the reminder goes whenever the test runs
        cls.company.write(
            {
                "dunning_send_hour_from": 0.0,
                "dunning_send_hour_to": 0.0,
                **{f"dunning_send_{day}": True for day in ("sat", "sun")},
            }
        )
        cls.env.ref("payment.payment_provider_demo").write({"state": "test", "is_published": True})

    def _link_from_a_real_email(self):
        """Send the reminder through a loopback SMTP server; the page's path from the email."""
        handler = KeepingHandler()
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        self.env["ir.mail_server"].create(
            {
                "name": "Loopback SMTP",
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
                "smtp_encryption": "none",
                "sequence": 1,
            }
        )
        IrMailServer = self.registry["ir.mail_server"]
        controller.start()
        self.addCleanup(controller.stop)
        with patch.object(IrMailServer, "_disable_send", classmethod(lambda cls: False)):
            self.sender._send_due()
            self.env["mail.mail"].process_email_queue()
        self.env.invalidate_all()
        self.assertEqual(self.action.state, "sent", self.action.error_message)
        [message] = [m for m in handler.messages if "pay@portal.example" in m["To"]]
        url = re.search(r'href="([^"]*/dunning/page/[^"]+)"', html_part(message)).group(1)
        return url[url.index("/dunning/page/") :].replace("&amp;", "&")

    def test_customer_pays_two_invoices_from_the_email_link(self):
        path = self._link_from_a_real_email()
        shots = {}
        with capturing_screenshots(shots):
            self.start_tour(path, "dso_dunning_portal_pay_tour")
        image = Image.open(io.BytesIO(shots["customer_page"]))
        self.assertEqual(image.size, (1440, 1100))
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
        self.assertTrue(colours is None or len(colours) > 200, "the page is populated")
        if directory := os.environ.get("DSO_SCREENSHOTS_DIR"):
            pathlib.Path(directory, "customer_page.png").write_bytes(shots["customer_page"])
        invoices = self.invoice_1 | self.invoice_2
        self.assertTrue(
            all(invoice.payment_state in ("paid", "in_payment") for invoice in invoices),
            invoices.mapped("payment_state"),
        )
        self.assertEqual(self.not_due.payment_state, "not_paid")
        # the reminder was sent: the customer's next pending step is cancelled as
        # paid by the ledger refresh, woken at commit
        pending = self.env["dso.dunning.action"].search(
            [("partner_id", "=", self.customer.id), ("state", "in", ("planned", "to_confirm"))]
        )
        self.env.cr.flush()
        with self.enter_registry_test_mode():
            self.env.ref("dso_dunning.ir_cron_dso_dunning_refresh").method_direct_trigger()
        as_collector = self.env["dso.dunning.action"].with_user(self.user_collector)
        self.assertFalse(
            as_collector.search(
                [
                    ("partner_id", "=", self.customer.id),
                    ("state", "in", ("planned", "to_confirm", "confirmed")),
                ]
            ),
            "nothing left to dun",
        )
        for action in pending:
            self.assertRecordValues(
                action.with_user(self.user_collector),
                [{"state": "cancelled", "cancel_reason": "paid"}],
            )
        self.assertEqual(self.action.portal_open_count, 1)
        self.assertIn(
            "Payment started from the customer page",
            "".join(self.action.message_ids.mapped("body")),
        )

    def test_customer_disputes_an_item_with_a_document(self):
        self.customer.name = "Portal Tour SA"
        path = self._url()
        self.start_tour(path, "dso_dunning_portal_dispute_tour")
        reply = self.env["dso.dunning.reply"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(reply.qualification, "dispute")
        self.assertEqual(reply.attachment_ids.mapped("name"), ["broken.txt"])
        self.start_tour(
            "/odoo/action-dso_dunning.dso_dunning_reply_action",
            "dso_dunning_portal_collector_tour",
            login="dso_collector",
        )
