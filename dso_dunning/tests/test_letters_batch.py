import base64
import io
from contextlib import contextmanager
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from odoo.addons.base.models.ir_actions_report import IrActionsReport, _wkhtml
from odoo.addons.dso_dunning.wizards import dso_dunning_action_print as print_wizard

from .test_sending import NOW, DunningSendingCase


def _pdf(pages):
    writer = PdfFileWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    with io.BytesIO() as buffer:
        writer.write(buffer)
        return buffer.getvalue()


def _page_count(pdf):
    return len(PdfFileReader(io.BytesIO(pdf), strict=False).pages)


class LettersBatchCase(DunningSendingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._letter_step_instead_of_call()
        cls.user_collector = new_test_user(
            cls.env,
            login="dso_print_collector",
            groups="dso_dunning.group_dso_dunning_collector",
            company_ids=[Command.set(cls.company.ids)],
            company_id=cls.company.id,
        )

    def _letter(self, name, pages=None):
        """A letter action; with ``pages``, its letter was generated (to post)."""
        partner = self._customer(name, street="1 rue de la Paix", city="Paris", zip="75002")
        action = self._planned(partner, days_overdue=50)
        self.assertEqual(action.step_id, self.step_letter)
        if pages:
            attachment = self.env["ir.attachment"].create(
                {
                    "name": f"{name}.pdf",
                    "raw": _pdf(pages),
                    "mimetype": "application/pdf",
                    "res_model": "dso.dunning.action",
                    "res_id": action.id,
                }
            )
            action.sudo().write(
                {"letter_attachment_id": attachment.id, "letter_done": True, "state": "to_post"}
            )
        return action

    def _print(self, actions, chunk_size):
        wizard = self.env["dso.dunning.action.print"].create(
            {"action_ids": [Command.set(actions.ids)]}
        )
        letters = wizard._letters()
        return wizard._merged_pdf(letters, chunk_size=chunk_size)

    @contextmanager
    def _mock_rendering(self, patched_qt=True):
        """The report engine as outside tests: one page per letter, calls recorded."""
        calls = []

        def render(report_self, report_ref, res_ids=None, data=None):
            calls.append(list(res_ids))
            return _pdf(len(res_ids)), "pdf"

        wkhtml = _wkhtml()._replace(is_patched_qt=patched_qt)
        with (
            patch.object(IrActionsReport, "_render_qweb_pdf", render),
            patch(f"{print_wizard.__name__}._wkhtml", return_value=wkhtml),
        ):
            yield calls


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestLettersBatch(LettersBatchCase):
    """Batch printing of letters: one PDF, built in chunks, nothing marked posted."""

    def test_generated_letters_are_merged_without_rendering_nor_posting(self):
        actions = (
            self._letter("Lettre A", pages=1)
            | self._letter("Lettre B", pages=2)
            | self._letter("Lettre C", pages=1)
            | self._letter("Lettre D", pages=3)
            | self._letter("Lettre E", pages=1)
        )
        with self._mock_rendering() as calls:
            pdf = self._print(actions, chunk_size=2)
        self.assertEqual(_page_count(pdf), 8)
        self.assertFalse(calls, "stored letters are reused")
        self.assertEqual(set(actions.mapped("state")), {"to_post"}, "printing is not posting")

    def test_missing_letters_are_rendered_chunk_by_chunk(self):
        stored = self._letter("Lettre A", pages=2) | self._letter("Lettre D", pages=2)
        missing = self._letter("Lettre B") | self._letter("Lettre C") | self._letter("Lettre E")
        missing |= self._letter("Lettre F") | self._letter("Lettre G")
        with self._mock_rendering() as calls:
            pdf = self._print(stored | missing, chunk_size=3)
        self.assertEqual(_page_count(pdf), 2 + 2 + 5)
        self.assertTrue(all(len(ids) <= 3 for ids in calls), calls)
        self.assertEqual(sorted(i for ids in calls for i in ids), sorted(missing.ids))
        # Chunks [A B C] [D E F] [G]: B-C, E-F and G rendered in one call each.
        self.assertEqual(len(calls), 3)
        self.assertEqual(set(missing.mapped("state")), {"planned"})
        self.assertFalse(missing.letter_attachment_id, "a printout is not kept")

    def test_unpatched_wkhtmltopdf_renders_one_letter_per_call(self):
        missing = self._letter("Lettre B") | self._letter("Lettre C") | self._letter("Lettre E")
        with self._mock_rendering(patched_qt=False) as calls:
            pdf = self._print(missing, chunk_size=100)
        self.assertEqual(_page_count(pdf), 3)
        self.assertEqual(sorted(calls), sorted([action_id] for action_id in missing.ids))

    def test_print_letters_downloads_one_pdf_as_collector(self):
        actions = self._letter("Lettre A", pages=1) | self._letter("Lettre B", pages=2)
        email = self._planned(self._customer("Email Only"), days_overdue=10)
        result = (actions | email).with_user(self.user_collector).action_print_letters()
        self.assertEqual(result["type"], "ir.actions.act_url")
        self.assertIn("download=true", result["url"])
        wizard = self.env["dso.dunning.action.print"].search([], order="id desc", limit=1)
        self.assertEqual(wizard.create_uid, self.user_collector)
        self.assertEqual(_page_count(base64.b64decode(wizard.pdf)), 3)
        self.assertEqual(wizard.pdf_name, "Dunning letters (2).pdf")
        self.assertEqual(set(actions.mapped("state")), {"to_post"})

    def test_no_letter_selected_is_an_error(self):
        email = self._planned(self._customer("Email Only"), days_overdue=10)
        with self.assertRaisesRegex(UserError, "None of the selected actions is a letter"):
            email.action_print_letters()

    def test_html_rendering_of_test_mode_fails_cleanly(self):
        """Without wkhtmltopdf (tests render HTML), a clear error, not a broken PDF."""
        action = self._letter("Lettre HTML")
        with self.assertRaisesRegex(UserError, "could not be rendered as PDF"):
            action.action_print_letters()
        self.assertEqual(action.state, "planned")


@tagged("post_install", "-at_install")
class TestLettersBatchPdf(LettersBatchCase, HttpCase):
    """With wkhtmltopdf for real: it loads the report's assets from the running server."""

    def test_real_pdf_rendering_with_wkhtmltopdf(self):
        actions = self._letter("Lettre X") | self._letter("Lettre Y") | self._letter("Lettre Z")
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())
        wizard = (
            self.env["dso.dunning.action.print"]
            .with_context(force_report_rendering=True)
            .create({"action_ids": [Command.set(actions.ids)]})
        )
        pdf = wizard._merged_pdf(wizard._letters(), chunk_size=2)
        self.assertGreaterEqual(_page_count(pdf), 3)
