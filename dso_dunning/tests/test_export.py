import datetime
import io
import zipfile

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
        self.assertEqual(workbook.sheetnames, ["Actions", "Items", "Commitments"])
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
        self.assertEqual(by_customer["Export One"][headers.index("Delivery")], "Queued")
        self.assertTrue(by_customer["Export One"][headers.index("Delivery Date")])
        self.assertIn("export.one@customer.example", by_customer["Export One"][11])
        items = list(workbook["Items"].iter_rows(values_only=True))
        self.assertEqual(items[0][4:8], ("Document", "Due Date", "Days Overdue", "Residual"))
        self.assertEqual(len(items) - 1, 3, "one row per covered item")
        self.assertEqual(sorted(row[7] for row in items[1:]), [200.0, 300.0, 750.0])

    def test_french_user_gets_french_sheets_headers_and_labels(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["dso_dunning"], ["fr_FR"], overwrite=True)
        partner = self._customer("Export Français")
        self._create_overdue_invoice(partner, days_overdue=10, amount=420.0)
        self._plan(partners=partner, force=True)
        action = self._live_actions(partner)
        self.sender._send_due()
        self.assertEqual(action.state, "sent")
        content = (
            self.env["dso.dunning.agenda"]
            .with_user(self.user_auditor)
            .with_context(lang="fr_FR")
            ._export_history_xlsx([("partner_id", "=", partner.id)])
        )
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            self.assertIsNone(package.testzip(), "every part of the file reads back")
            self.assertIn("xl/worksheets/sheet2.xml", package.namelist())
        workbook = openpyxl.load_workbook(io.BytesIO(content))
        self.assertEqual(workbook.sheetnames, ["Actions", "Pièces", "Engagements"])
        sheet = workbook["Actions"]
        headers = [cell.value for cell in sheet[1]]
        self.assertEqual(headers[:4], ["Référence", "Date", "Client", "Étape"])
        self.assertEqual(
            [cell.value for cell in workbook["Pièces"][1]][4:8],
            ["Document", "Date d'échéance", "Jours de retard", "Résiduel"],
        )
        row = {header: cell for header, cell in zip(headers, sheet[2], strict=True)}
        self.assertEqual(row["Client"].value, "Export Français")
        self.assertEqual(row["Statut"].value, "Envoyé")
        self.assertEqual(row["Montant relancé"].value, 420.0)
        self.assertEqual(row["Date"].value.date(), action.date)
        self.assertEqual(row["Date"].number_format, agenda_export.DATE_FORMAT)
        self.assertEqual(workbook["Pièces"]["H2"].value, 420.0)
        self.assertEqual(workbook["Pièces"].auto_filter.ref, "A1:I2")

    def test_writer_keeps_texts_as_texts_dates_as_dates_and_the_sheet_layout(self):
        executed = datetime.datetime(2026, 3, 2, 14, 30)
        rows = [
            ("=SUM(A1:A9)", "https://example.com", "00123", " spaced ", "A & B <C>", "x\x01y"),
            (datetime.date(2026, 3, 1), executed, 1234.5, 7, None, ""),
        ]
        output = io.BytesIO()
        counts = agenda_export.write_history_workbook(
            output,
            [("Pièces d'avril", [f"H{col}" for col in range(6)], rows), ("Vide", ["Id"], [])],
        )
        self.assertEqual(counts, [2, 0])
        with zipfile.ZipFile(io.BytesIO(output.getvalue())) as package:
            self.assertIsNone(package.testzip(), "every part of the file reads back")
            first_sheet = package.read("xl/worksheets/sheet1.xml").decode()
            parts = package.namelist()
        self.assertNotIn("<f>", first_sheet, "no formula anywhere")
        self.assertNotIn("<hyperlink", first_sheet, "no link anywhere")
        self.assertFalse([part for part in parts if part.endswith(".rels") and "sheet" in part])
        workbook = openpyxl.load_workbook(io.BytesIO(output.getvalue()))
        self.assertEqual(workbook.sheetnames, ["Pièces d'avril", "Vide"])
        sheet = workbook["Pièces d'avril"]
        texts = [cell.value for cell in sheet[2]]
        self.assertEqual(
            texts[:5], ["=SUM(A1:A9)", "https://example.com", "00123", " spaced ", "A & B <C>"]
        )
        self.assertEqual({cell.data_type for cell in sheet[2]}, {"s"}, "never a formula")
        self.assertIsNone(sheet["B2"].hyperlink, "a web address stays a text, not a link")
        # A control character XML cannot carry is escaped the way Excel reads it.
        self.assertEqual(texts[5], "x_x0001_y")
        date, datetime_, amount, days, none, empty = sheet[3]
        self.assertTrue(date.is_date and datetime_.is_date)
        self.assertEqual(date.value, datetime.datetime(2026, 3, 1))
        self.assertEqual(date.number_format, agenda_export.DATE_FORMAT)
        self.assertEqual(datetime_.value, executed)
        self.assertEqual(datetime_.number_format, agenda_export.DATETIME_FORMAT)
        self.assertEqual((amount.value, days.value), (1234.5, 7))
        self.assertEqual((amount.data_type, days.data_type), ("n", "n"))
        self.assertIsNone(none.value)
        self.assertIsNone(empty.value)
        self.assertTrue(sheet["A1"].font.b)
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertEqual(sheet.auto_filter.ref, "A1:F3")
        self.assertEqual(round(sheet.column_dimensions["A"].width), 17)
        empty_sheet = workbook["Vide"]
        self.assertEqual([cell.value for cell in empty_sheet[1]], ["Id"])
        self.assertIsNone(empty_sheet.auto_filter.ref, "no filter over no data")

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
