import io

import openpyxl
from freezegun import freeze_time

from odoo.tests import tagged

from ..tools import agenda_export
from .common import DunningUsersMixin
from .test_sending import NOW, DunningSendingCase


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestExport(DunningUsersMixin, DunningSendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_dunning_users()

    def _workbook(self, content):
        return openpyxl.load_workbook(io.BytesIO(content), read_only=True)

    def test_history_workbook_has_current_filters_actions_and_items(self):
        Action = self.env["dso.dunning.action"]
        sent = Action
        for name, amounts in (("Export One", (300.0, 200.0)), ("Export Two", (750.0,))):
            partner = self._customer(name)
            for amount in amounts:
                self._create_overdue_invoice(partner, days_overdue=10, amount=amount)
            self._plan(partners=partner, force=True)
            sent |= self._live_actions(partner)
        other = self._customer("Not Exported", email=False)
        pending = self._planned(other, days_overdue=10)  # goes to error: not history
        self.sender._send_due()
        self.assertEqual(set(sent.mapped("state")), {"sent"})
        self.assertEqual(pending.state, "error")
        domain = [("partner_id", "ilike", "Export")]
        content = (
            self.env["dso.dunning.agenda"].with_user(self.user_auditor)._export_history_xlsx(domain)
        )
        workbook = self._workbook(content)
        self.assertEqual(workbook.sheetnames, ["Actions", "Items"])
        rows = list(workbook["Actions"].iter_rows(values_only=True))
        headers, data = rows[0], rows[1:]
        self.assertEqual(headers[:4], ("Reference", "Date", "Customer", "Step"))
        history_count = Action.search_count(
            [*domain, ("state", "in", ("sent", "done", "cancelled"))]
        )
        self.assertEqual(len(data), history_count)
        self.assertEqual(len(data), 2)
        by_customer = {row[2]: row for row in data}
        amount = headers.index("Amount Dunned")
        self.assertEqual(by_customer["Export One"][amount], 500.0)
        self.assertEqual(by_customer["Export Two"][amount], 750.0)
        self.assertEqual(by_customer["Export One"][headers.index("Status")], "Sent")
        self.assertIn("export.one@customer.example", by_customer["Export One"][11])
        items = list(workbook["Items"].iter_rows(values_only=True))
        self.assertEqual(items[0][4:8], ("Document", "Due Date", "Days Overdue", "Residual"))
        self.assertEqual(len(items) - 1, 3, "one row per covered item")
        self.assertEqual(sorted(row[7] for row in items[1:]), [200.0, 300.0, 750.0])

    def test_writer_streams_rows_in_constant_memory(self):
        rows = ((i, f"Customer {i}", i * 1.5) for i in range(20000))
        output = io.BytesIO()
        counts = agenda_export.write_history_workbook(
            output, [("Actions", ["Id", "Customer", "Amount"], rows), ("Items", ["Id"], iter(()))]
        )
        self.assertEqual(counts, [20000, 0])
        sheet = self._workbook(output.getvalue())["Actions"]
        last = next(sheet.iter_rows(min_row=20001, max_row=20001, values_only=True))
        self.assertEqual(last, (19999, "Customer 19999", 29998.5))
