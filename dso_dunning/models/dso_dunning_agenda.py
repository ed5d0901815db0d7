import io

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, split_every
from odoo.tools.safe_eval import safe_eval

from ..tools import agenda_export
from ..tools.action_states import HISTORY_STATES, PENDING_STATES
from .dso_dunning_step import CHANNELS

# The tabs opened through the server: {tab: (window action, the filter of the
# collector's own records, applied when a collector who is not a credit
# manager arrives)}.
AGENDA_TABS = {
    "manual": ("dso_dunning.dso_dunning_agenda_manual_action", "my_actions"),
    "automatic": ("dso_dunning.dso_dunning_agenda_automatic_action", "my_actions"),
    "history": ("dso_dunning.dso_dunning_agenda_history_action", "my_actions"),
    "replies": ("dso_dunning.dso_dunning_reply_action", "my_replies"),
    "charts": ("dso_dunning.dso_dunning_action_report_action", "my_actions"),
}
CHUNK = 2000
NAME_CACHE = 50_000  # names of related records kept between chunks


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
        """Window action of an agenda tab; collectors land on their own records.

        The context of the window action is kept (the Replies tab opens on
        what is still to read), the collector's filter is added to it.
        """
        xmlid, my_filter = AGENDA_TABS[tab]
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        context = {
            **safe_eval(action.get("context") or "{}", {"uid": self.env.uid}),
            "dso_agenda_tab": tab,
        }
        user = self.env.user
        if user.has_group("dso_dunning.group_dso_dunning_collector") and not user.has_group(
            "dso_dunning.group_dso_dunning_manager"
        ):
            context[f"search_default_{my_filter}"] = 1
        action["context"] = context
        return action

    @api.model
    def _history_domain(self, domain):
        return Domain(domain or []) & Domain("state", "in", HISTORY_STATES)

    @api.model
    def _export_history_xlsx(self, domain):
        """Bytes of the workbook of the history matching ``domain`` (access rules apply)."""
        Action = self.env["dso.dunning.action"]
        ids = Action.search(self._history_domain(domain), order="date desc, id desc").ids
        output = io.BytesIO()
        agenda_export.write_history_workbook(output, self._history_sheets(domain, ids))
        return output.getvalue()

    def _history_sheets(self, domain, ids):
        """The sheets of the workbook, ``(title, headers, rows)``, for the actions ``ids``."""
        return [
            (self.env._("Actions"), self._history_action_headers(), self._history_rows(ids)),
            (self.env._("Items"), self._history_item_headers(), self._history_item_rows(ids)),
        ]

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
            self.env._("Delivery"),
            self.env._("Delivery Date"),
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

    def _labels(self, field):
        field = self.env["dso.dunning.action"]._fields[field]
        return dict(field._description_selection(self.env))

    def _select(self, Model, query, fnames):
        """Rows ``(id, *fnames)`` of ``query`` on ``Model``, as stored (many2ones as ids)."""
        return self.env.execute_query(
            query.select(
                SQL.identifier(query.table, "id"),
                *(Model._field_to_sql(query.table, fname, query) for fname in fnames),
            )
        )

    def _names(self, model, ids, cache, display=False):
        """``{id: name}`` of ``ids`` read with the ORM (translations, access); fills ``cache``.

        The cache spares reading a customer again in the next chunks; it is
        emptied when it grows past NAME_CACHE entries, so memory stays bounded.
        """
        missing = {id_ for id_ in ids if id_ and id_ not in cache}
        if len(cache) + len(missing) > NAME_CACHE:
            cache.clear()
            missing = {id_ for id_ in ids if id_}
        for record in self.env[model].browse(missing):
            cache[record.id] = record.display_name if display else record.name
        return cache

    def _company_currencies(self, company_ids, cache):
        missing = {id_ for id_ in company_ids if id_ and id_ not in cache}
        for company in self.env["res.company"].browse(missing):
            cache[company.id] = company.currency_id.name
        return cache

    def _history_rows(self, ids):
        """The rows of the Actions sheet, read per chunk in a few queries.

        Columns come from one SQL query per chunk; names of the related
        records through the ORM, each read once (see ``_names``). The ORM
        cache is emptied between chunks so that memory stays flat.
        """
        Action = self.env["dso.dunning.action"]
        Line = self.env["dso.dunning.action.line"]
        modes, states = self._labels("mode"), self._labels("state")
        outcomes, reasons = self._labels("outcome"), self._labels("cancel_reason")
        deliveries = self._labels("delivery_state")
        channel_labels = [
            Action._fields[name].get_description(self.env)["string"] for name in CHANNELS
        ]
        steps, scenarios, users, currencies, partners = {}, {}, {}, {}, {}
        fnames = [
            "date",
            "partner_id",
            "step_id",
            "scenario_id",
            "mode",
            *CHANNELS,
            "state",
            "collector_id",
            "executed_date",
            "executed_by_id",
            "sent_to",
            "outcome",
            "promise_date",
            "amount_due",
            "amount_overdue",
            "company_id",
            "days_overdue",
            "cancel_reason",
            "delivery_state",
            "delivery_date",
        ]
        for chunk in split_every(CHUNK, ids):
            # Unordered: an ordered query joins the ids to the whole table;
            # ``id IN`` reads them through the primary key, then ``chunk`` orders them.
            by_id = {
                row[0]: row
                for row in self._select(Action, Action.browse(chunk)._as_query(False), fnames)
            }
            rows = [by_id[action_id] for action_id in chunk if action_id in by_id]
            # Items under the user's access rules, as ``line_ids`` reads them.
            counts = {
                action.id: count
                for action, count in Line._read_group(
                    [("action_id", "in", chunk)], ["action_id"], ["__count"]
                )
            }
            self._names("res.partner", {row[2] for row in rows}, partners, display=True)
            self._names("dso.dunning.step", {row[3] for row in rows}, steps)
            self._names("dso.dunning.scenario", {row[4] for row in rows}, scenarios)
            self._names("res.users", {row[12] for row in rows} | {row[14] for row in rows}, users)
            self._company_currencies({row[20] for row in rows}, currencies)
            for (
                action_id,
                date,
                partner_id,
                step_id,
                scenario_id,
                mode,
                *channels,
                state,
                collector_id,
                executed_date,
                executed_by_id,
                sent_to,
                outcome,
                promise_date,
                amount_due,
                amount_overdue,
                company_id,
                days_overdue,
                cancel_reason,
                delivery_state,
                delivery_date,
            ) in rows:
                yield (
                    action_id,
                    date,
                    partners.get(partner_id),
                    steps.get(step_id),
                    scenarios.get(scenario_id),
                    modes.get(mode),
                    ", ".join(
                        label for label, on in zip(channel_labels, channels, strict=True) if on
                    ),
                    states.get(state),
                    users.get(collector_id),
                    executed_date,
                    users.get(executed_by_id),
                    sent_to,
                    outcomes.get(outcome),
                    promise_date,
                    float(amount_due or 0.0),
                    float(amount_overdue or 0.0),
                    currencies.get(company_id),
                    days_overdue or 0,
                    counts.get(action_id, 0),
                    reasons.get(cancel_reason),
                    deliveries.get(delivery_state),
                    delivery_date,
                )
            self.env.invalidate_all()

    def _history_item_rows(self, ids):
        """The rows of the Items sheet: each action's items in ``line_ids`` order."""
        Action = self.env["dso.dunning.action"]
        Line = self.env["dso.dunning.action.line"]
        Move = self.env["account.move"].sudo()
        steps, currencies, partners = {}, {}, {}
        for chunk in split_every(CHUNK, ids):
            # As ``line_ids`` reads them: the user's access rules, the model's order.
            rows = self._select(
                Line,
                Line._search([("action_id", "in", chunk)], order=Line._order),
                [
                    "action_id",
                    "move_id",
                    "date_maturity",
                    "days_overdue",
                    "amount_residual",
                    "company_id",
                ],
            )
            if not rows:
                continue
            by_action = {}
            for row in rows:
                by_action.setdefault(row[1], []).append(row)
            actions = {
                row[0]: row[1:]
                for row in self._select(
                    Action,
                    Action.browse(by_action)._as_query(ordered=False),
                    ["date", "partner_id", "step_id"],
                )
            }
            self._names("res.partner", {a[1] for a in actions.values()}, partners, display=True)
            self._names("dso.dunning.step", {a[2] for a in actions.values()}, steps)
            self._company_currencies({row[6] for row in rows}, currencies)
            # The item is part of what the user may read; its document name
            # is not worth an accounting right.
            moves = dict(
                self._select(
                    Move, Move.browse({row[2] for row in rows} - {None})._as_query(False), ["name"]
                )
            )
            for action_id in chunk:
                if action_id not in by_action:
                    continue
                date, partner_id, step_id = actions[action_id]
                for _id, _action, move_id, due, days, residual, company_id in by_action[action_id]:
                    yield (
                        action_id,
                        date,
                        partners.get(partner_id),
                        steps.get(step_id),
                        moves.get(move_id),
                        due,
                        days or 0,
                        float(residual or 0.0),
                        currencies.get(company_id),
                    )
            self.env.invalidate_all()
