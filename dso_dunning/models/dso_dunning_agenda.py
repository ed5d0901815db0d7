import io

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, split_every

from ..tools import agenda_export
from .dso_dunning_action import EXECUTED_STATES, PENDING_STATES

AGENDA_TABS = {
    "manual": "dso_dunning.dso_dunning_agenda_manual_action",
    "automatic": "dso_dunning.dso_dunning_agenda_automatic_action",
    "history": "dso_dunning.dso_dunning_agenda_history_action",
}
CHUNK = 500
CHANNELS = ("channel_email", "channel_sms", "channel_letter", "channel_call", "channel_task")


class DsoDunningAgenda(models.AbstractModel):
    """The agenda service: tab actions, live counters and the history export.

    Everything here reads ``dso.dunning.action`` with the user's rights and
    the filters the user has applied; nothing is stored.
    """

    _name = "dso.dunning.agenda"
    _description = "Dunning Agenda"

    @api.model
    def get_counters(self, domain):
        """Counters of the agenda for ``domain`` (the user's current filters).

        Returns ``{"scheduled": n, "to_do": m}``: pending actions, and those
        among them due today or late. One query, whatever the volume.
        """
        today = fields.Date.context_today(self)
        Action = self.env["dso.dunning.action"]
        query = Action._search(Domain(domain or []) & Domain("state", "in", PENDING_STATES))
        Action.flush_model(["date", "state"])
        date_sql = Action._field_to_sql(Action._table, "date", query)
        [(scheduled, to_do)] = self.env.execute_query(
            query.select(
                SQL("COUNT(*)"),
                SQL("COUNT(*) FILTER (WHERE %s <= %s)", date_sql, today),
            )
        )
        return {"scheduled": scheduled, "to_do": to_do}

    @api.model
    def _action_open_tab(self, tab):
        """Window action of an agenda tab; collectors land on their own actions."""
        action = self.env["ir.actions.act_window"]._for_xml_id(AGENDA_TABS[tab])
        context = {"dso_agenda_tab": tab}
        user = self.env.user
        if user.has_group("dso_dunning.group_dso_dunning_collector") and not user.has_group(
            "dso_dunning.group_dso_dunning_manager"
        ):
            context["search_default_my_actions"] = 1
        action["context"] = context
        return action

    @api.model
    def _history_domain(self, domain):
        return Domain(domain or []) & Domain("state", "in", (*EXECUTED_STATES, "cancelled"))

    @api.model
    def _export_history_xlsx(self, domain):
        """Bytes of the workbook of the history matching ``domain`` (access rules apply)."""
        Action = self.env["dso.dunning.action"]
        ids = Action.search(self._history_domain(domain), order="date desc, id desc").ids
        output = io.BytesIO()
        agenda_export.write_history_workbook(
            output,
            [
                (self.env._("Actions"), self._history_action_headers(), self._history_rows(ids)),
                (self.env._("Items"), self._history_item_headers(), self._history_item_rows(ids)),
            ],
        )
        return output.getvalue()

    def _history_action_headers(self):
        return [
            self.env._("Reference"),
            self.env._("Date"),
            self.env._("Customer"),
            self.env._("Step"),
            self.env._("Scenario"),
            self.env._("Mode"),
            self.env._("Channels"),
            self.env._("Status"),
            self.env._("Collector"),
            self.env._("Executed On"),
            self.env._("Executed By"),
            self.env._("Sent To"),
            self.env._("Outcome"),
            self.env._("Promised Payment Date"),
            self.env._("Amount Dunned"),
            self.env._("Overdue Amount"),
            self.env._("Currency"),
            self.env._("Days Overdue"),
            self.env._("Items"),
            self.env._("Cancel Reason"),
        ]

    def _history_item_headers(self):
        return [
            self.env._("Reference"),
            self.env._("Action Date"),
            self.env._("Customer"),
            self.env._("Step"),
            self.env._("Document"),
            self.env._("Due Date"),
            self.env._("Days Overdue"),
            self.env._("Residual"),
            self.env._("Currency"),
        ]

    def _chunks(self, ids):
        """Records of ``ids`` by chunks, the cache emptied between them."""
        for chunk in split_every(CHUNK, ids):
            yield self.env["dso.dunning.action"].browse(chunk)
            self.env.invalidate_all()

    def _labels(self, field):
        field = self.env["dso.dunning.action"]._fields[field]
        return dict(field._description_selection(self.env))

    def _history_rows(self, ids):
        Action = self.env["dso.dunning.action"]
        modes, states = self._labels("mode"), self._labels("state")
        outcomes, reasons = self._labels("outcome"), self._labels("cancel_reason")
        channel_labels = {
            name: Action._fields[name].get_description(self.env)["string"] for name in CHANNELS
        }
        for actions in self._chunks(ids):
            for action in actions:
                yield (
                    action.id,
                    action.date,
                    action.partner_id.display_name,
                    action.step_id.name,
                    action.scenario_id.name,
                    modes.get(action.mode),
                    ", ".join(channel_labels[name] for name in CHANNELS if action[name]),
                    states.get(action.state),
                    action.collector_id.name,
                    action.executed_date,
                    action.executed_by_id.name,
                    action.sent_to,
                    outcomes.get(action.outcome),
                    action.promise_date,
                    action.amount_due,
                    action.amount_overdue,
                    action.currency_id.name,
                    action.days_overdue,
                    len(action.line_ids),
                    reasons.get(action.cancel_reason),
                )

    def _history_item_rows(self, ids):
        for actions in self._chunks(ids):
            for action in actions:
                for line in action.line_ids:
                    yield (
                        action.id,
                        action.date,
                        action.partner_id.display_name,
                        action.step_id.name,
                        # The item is part of what the user may read; its
                        # document name is not worth an accounting right.
                        line.move_id.sudo().name,
                        line.date_maturity,
                        line.days_overdue,
                        line.amount_residual,
                        line.company_currency_id.name,
                    )
