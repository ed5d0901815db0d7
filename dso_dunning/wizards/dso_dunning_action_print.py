import base64
import io

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import split_every
from odoo.tools.pdf import PdfFileReader, PdfFileWriter, PdfReadError

from odoo.addons.base.models.ir_actions_report import _wkhtml

# Letters rendered per call to the report engine: bounds the HTML and the
# wkhtmltopdf run of one call, whatever the number of letters printed.
LETTER_CHUNK_SIZE = 100


class DsoDunningActionPrint(models.TransientModel):
    """One batch print: the letters of the selected actions in one PDF.

    Letters already generated (attached to their action by the sending run)
    are reused as they are; the others are rendered a chunk at a time and
    not kept. Printing never marks a letter posted: "Mark as Posted" does.
    """

    _name = "dso.dunning.action.print"
    _description = "Print Dunning Letters"

    action_ids = fields.Many2many("dso.dunning.action", string="Actions", required=True)
    pdf = fields.Binary(string="Letters", attachment=True, readonly=True)
    pdf_name = fields.Char(readonly=True)

    def action_print(self):
        """Merge the letters and download them."""
        self.ensure_one()
        letters = self._letters()
        self.write(
            {
                "pdf": base64.b64encode(self._merged_pdf(letters)),
                "pdf_name": self.env._("Dunning letters (%(count)s).pdf", count=len(letters)),
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content?model={self._name}&id={self.id}&field=pdf"
            "&filename_field=pdf_name&download=true",
            "target": "self",
        }

    def _letters(self):
        letters = self.action_ids.filtered("channel_letter")
        if not letters:
            raise UserError(
                self.env._("None of the selected actions is a letter: select letter actions.")
            )
        return letters.sorted(lambda a: (a.partner_id.name or "", a.id))

    def _merged_pdf(self, letters, chunk_size=LETTER_CHUNK_SIZE):
        """One PDF of ``letters`` in their order, built chunk by chunk."""
        writer = PdfFileWriter()
        for chunk_ids in split_every(chunk_size, letters.ids):
            chunk = letters.browse(chunk_ids)
            for pdf, actions in self._chunk_pdfs(chunk):
                try:
                    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
                    for page in reader.pages:
                        writer.add_page(page)
                except (PdfReadError, TypeError, ValueError) as error:
                    raise UserError(
                        self.env._(
                            "The letter of %(action)s is not a readable PDF (%(error)s).",
                            action=actions[0].display_name,
                            error=error,
                        )
                    ) from error
            # What the chunk loaded (items, invoices, attachments) can go.
            self.env.invalidate_all()
        with io.BytesIO() as buffer:
            writer.write(buffer)
            return buffer.getvalue()

    def _chunk_pdfs(self, chunk):
        """(PDF, actions) pairs of one chunk, in order: stored letters, else rendered.

        Consecutive letters to render with the same report are rendered in
        one call.
        """
        default_report = self.env.ref("dso_dunning.dso_dunning_letter_report")
        runs = []  # [report or None, action ids], consecutive letters of the same source
        for action in chunk:
            report = None
            if not action.letter_attachment_id:
                report = action.step_id.letter_report_id or default_report
            if runs and runs[-1][0] == report:
                runs[-1][1].append(action.id)
            else:
                runs.append([report, [action.id]])
        for report, action_ids in runs:
            actions = chunk.browse(action_ids)
            if report is None:
                for action in actions:
                    yield action.letter_attachment_id.raw, action
            elif _wkhtml().is_patched_qt:
                yield self._render(report, actions), actions
            else:
                # wkhtmltopdf without its patched Qt fails on several documents in one run.
                for action in actions:
                    yield self._render(report, action), action

    def _render(self, report, actions):
        content, content_type = self.env["ir.actions.report"]._render_qweb_pdf(report, actions.ids)
        if content_type != "pdf":
            # Odoo renders HTML instead of PDF when running tests.
            raise UserError(
                self.env._(
                    "The letters could not be rendered as PDF (the report engine returned "
                    "%(type)s).",
                    type=content_type,
                )
            )
        return content
