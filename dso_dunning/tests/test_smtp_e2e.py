import email
import logging
import socket
from unittest.mock import patch

from aiosmtpd.controller import Controller
from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_sending import NOW, DunningSendingCase

_logger = logging.getLogger(__name__)


class RecordingHandler:
    """An SMTP server's DATA handler that keeps every message it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        self.messages.append({"to": list(envelope.rcpt_tos), "subject": message["Subject"]})
        return "250 Message accepted"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestEmailEndToEnd(DunningSendingCase):
    """Dunning emails through a real SMTP server listening on 127.0.0.1.

    Odoo never talks to a mail server during tests; ``_disable_send`` is the
    switch that says so, and it is the only thing turned off here.
    """

    def setUp(self):
        super().setUp()
        self.port = free_port()
        self.handler = RecordingHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.env["ir.mail_server"].create(
            {
                "name": "Loopback SMTP",
                "smtp_host": "127.0.0.1",
                "smtp_port": self.port,
                "smtp_encryption": "none",
                "sequence": 1,
            }
        )
        IrMailServer = self.registry["ir.mail_server"]
        self.startPatcher(
            patch.object(IrMailServer, "_disable_send", classmethod(lambda cls: False))
        )
        self.addCleanup(self._stop_server)

    def _stop_server(self):
        if getattr(self.controller, "_thread", None):
            self.controller.stop()

    def _run(self):
        """One sending run, then the mail queue, as the two crons do."""
        self.sender._send_due()
        self.env["mail.mail"].process_email_queue()
        self.env.invalidate_all()

    def test_one_message_per_action_then_none_lost_when_server_down(self):
        customers = [self._customer(f"Client {n}") for n in range(3)]
        actions = self.env["dso.dunning.action"]
        for customer in customers:
            actions |= self._planned(customer, days_overdue=10)
        self.assertEqual(len(actions), 3)

        # 1. The server is down: every action goes to error with the reason.
        with mute_logger(
            "odoo.addons.mail.models.mail_mail", "odoo.addons.base.models.ir_mail_server"
        ):
            self._run()
        self.assertEqual(set(actions.mapped("state")), {"error"})
        self.assertEqual(set(actions.mapped("delivery_state")), {"error"})
        for action in actions:
            self.assertIn("not delivered", action.error_message)
            self.assertIn("Connection", action.error_message)
            self.assertTrue(action.error_retryable)
        self.assertEqual(self.handler.messages, [])

        # 2. The server is back: the next run delivers each message once.
        self.controller.start()
        self._run()
        self.assertEqual(set(actions.mapped("state")), {"sent"}, actions.mapped("error_message"))
        # The delivery truth: accepted by the mail server, after it was queued.
        self.assertEqual(set(actions.mapped("delivery_state")), {"sent"})
        self.assertTrue(all(a.delivery_date >= a.executed_date for a in actions))
        received = sorted(tuple(m["to"]) for m in self.handler.messages)
        expected = sorted((c.email,) for c in customers)
        self.assertEqual(received, expected, "exactly one message per action, to its customer")
        self.assertTrue(all("payment reminder" in m["subject"] for m in self.handler.messages))

        # 3. Later runs send nothing more: no duplicate.
        self._run()
        self._run()
        self.assertEqual(len(self.handler.messages), 3)
        messages = actions.mapped("message_id")
        self.assertEqual(len(messages), 3, "one chatter message per action, even after a retry")
        recipients = [tuple(m["to"]) for m in self.handler.messages]
        _logger.info(
            "[figures] smtp e2e: actions=%s received=%s duplicates=%s lost=%s",
            len(actions),
            len(recipients),
            len(recipients) - len(set(recipients)),
            len(actions) - len(set(recipients)),
        )
