import json

from odoo import fields
from odoo.http import Controller, content_disposition, request, route

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DunningAgendaController(Controller):
    @route("/dso_dunning/history/xlsx", type="http", auth="user", methods=["POST"], readonly=True)
    def export_history_xlsx(self, domain="[]", **kwargs):
        """The history tab as a workbook, with the filters the user has applied."""
        content = request.env["dso.dunning.agenda"]._export_history_xlsx(json.loads(domain))
        filename = request.env._(
            "Dunning history %(date)s.xlsx", date=fields.Date.context_today(request.env.user)
        )
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Disposition", content_disposition(filename)),
            ],
        )
