import io
from unittest.mock import patch

import openpyxl

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import DunningTourMixin, DunningUsersMixin


@tagged("post_install", "-at_install")
class TestE2ETour(DunningTourMixin, DunningUsersMixin, HttpCase):
    """The whole flow in a browser, as a credit manager does it: add an email
    step to confirm → plan the customer → see the action red in the automatic
    actions with its counters → confirm (green) → send now → history → export
    XLSX → create an alert → see its square on the customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()
        cls.env["dso.dunning.demo"]._ensure_chart(cls.env.company)
        # The tour adds the email step after this one.
        cls.scenario = cls.env["dso.dunning.scenario"].create(
            {
                "name": "E2E scenario",
                "company_id": cls.env.company.id,
                "step_ids": [
                    Command.create(
                        {
                            "name": "Courtesy call",
                            "sequence": 1,
                            "offset_days": -5,
                            "channel_call": True,
                            "mode": "manual",
                        }
                    )
                ],
            }
        )
        cls.customer = cls._create_tour_customer(
            "E2E Customer SA", cls.scenario, 900.0, collector=cls.user_manager
        )
        cls.customer.email = "accounts@e2e-customer.example"

    def _export_spy(self):
        """Record what the history export of the browser produced."""
        Agenda = self.registry["dso.dunning.agenda"]
        original = Agenda._export_history_xlsx
        calls = []

        def spy(agenda, domain):
            content = original(agenda, domain)
            calls.append({"uid": agenda.env.uid, "domain": domain, "content": content})
            return content

        return patch.object(Agenda, "_export_history_xlsx", spy), calls

    def _history_rows(self, content):
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True)["Actions"]
        headers, *rows = sheet.iter_rows(values_only=True)
        return [dict(zip(headers, row, strict=True)) for row in rows]

    def test_manager_runs_the_whole_flow(self):
        spy, exports = self._export_spy()
        with spy:
            self.start_tour("/odoo", "dso_dunning_e2e", login="dso_manager", timeout=180)

        step = self.scenario.step_ids.filtered(lambda s: s.name == "E2E email reminder")
        self.assertRecordValues(
            step,
            [{"channel_email": True, "mode": "to_confirm", "offset_days": 5}],
        )
        template = self.env.ref("dso_dunning.mail_template_dunning_first")
        self.assertEqual(step.mail_template_id, template)

        action = self.env["dso.dunning.action"].search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(
            action,
            [{"step_id": step.id, "state": "sent", "executed_by_id": self.user_manager.id}],
        )
        self.assertIn("accounts@e2e-customer.example", action.sent_to)
        mail = self.env["mail.mail"].search([("mail_message_id", "=", action.message_id.id)])
        self.assertEqual(len(mail), 1, "one email queued in Odoo's mail queue")
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertEqual(mail.state, "outgoing")

        # The browser downloaded the history of the filtered customer only;
        # the same filters give the same workbook.
        self.assertEqual(len(exports), 1)
        export = exports[0]
        self.assertEqual(export["uid"], self.user_manager.id)
        rows = self._history_rows(export["content"])
        self.assertEqual(
            [(row["Customer"], row["Step"], row["Status"]) for row in rows],
            [("E2E Customer SA", "E2E email reminder", "Sent")],
        )
        again = (
            self.env["dso.dunning.agenda"]
            .with_user(self.user_manager)
            ._export_history_xlsx(export["domain"])
        )
        self.assertEqual(self._history_rows(again), rows)

        alert = self.env["dso.dunning.alert"].search([("name", "=", "E2E big debt")])
        self.assertEqual(alert.overdue_min, 500)
        self.assertEqual(alert.user_id, self.user_manager)
        self.assertIn(alert, self.customer.with_user(self.user_manager).dunning_alert_ids)
