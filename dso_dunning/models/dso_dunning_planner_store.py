from odoo import fields, models
from odoo.tools import SQL

from ..tools import planning, planning_sql
from ..tools.action_states import EXECUTED_STATES, PENDING_STATES
from .dso_dunning_figure import ACTION_FIGURES
from .dso_dunning_step import CHANNELS


class DsoDunningPlannerStore(models.AbstractModel):
    """The planning engine's writes: what it decided, stored in set-based SQL.

    New actions with their items, activities and followers are inserted a
    batch at a time, as ``create()`` would have made them; the customers'
    figures are written one UPDATE per batch. The ORM is told about every
    row written (``modified``, cache invalidation).
    """

    _inherit = "dso.dunning.planner"

    def _line_commands(self, covered, date):
        return [fields.Command.create(vals) for vals in self._line_vals(covered, date)]

    def _line_vals(self, covered, date):
        return [
            {
                "move_line_id": item.line_id,
                "move_id": item.move_id,
                "date_maturity": item.maturity,
                "days_overdue": (date - item.maturity).days,
                "amount_residual": item.residual,
                "amount_residual_currency": item.residual_currency,
                "currency_id": item.currency_id,
            }
            for item in covered
        ]

    def _refresh(self, action, items, today):
        """Bring a pending action's items up to date; False when nothing is left."""
        date = max(action.date, today)
        offset = action.step_id.offset_days
        covered = planning.covered_items(items, offset, date)
        if planning.covered_amount(items, offset, date) <= action.company_id.dunning_tolerance:
            action._cancel("paid")
            return False
        old = {(line.move_line_id.id, line.amount_residual) for line in action.line_ids}
        if old != {(item.line_id, item.residual) for item in covered}:
            action.write(
                {
                    "line_ids": [fields.Command.clear(), *self._line_commands(covered, date)],
                    **planning.action_amounts(covered, today),
                }
            )
        return True

    def _prepare_action_vals(self, company, partner, scenario, decision, items, today, settings):
        """Values of a new action; ``items``: the open items it covers (not a field)."""
        step = scenario.steps[decision.step.id]
        covered = planning.covered_items(items, step["offset"], decision.date)
        return {
            "company_id": company.id,
            "partner_id": partner.id,
            "scenario_id": scenario.id,
            "step_id": decision.step.id,
            "step_rank": decision.step.sequence,
            "date": decision.date,
            "state": "to_confirm" if step["mode"] == "to_confirm" else "planned",
            "collector_id": settings["collector_id"],
            "cancel_reason": False,
            "items": covered,
            **planning.action_amounts(covered, today),
        }

    def _create_actions(self, company, partners, vals_list, batch):
        """Create the planned actions of ``partners`` in a few queries.

        A step already executed on the same day for the customer is not
        planned again; a cancelled action stays as it was (history) and the
        new one is inserted beside it. The others are inserted in SQL with
        their items and activities (see ``_insert_actions``).
        """
        if not vals_list:
            return []
        # Pending actions cancelled above are written before the INSERT
        # checks the one-pending index.
        self.env["dso.dunning.action"].flush_model(["state", "cancel_reason"])
        same_day = (
            self.env["dso.dunning.action"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", partners.ids),
                    ("date", ">=", min(vals["date"] for vals in vals_list)),
                    ("state", "!=", "cancelled"),
                ]
            )
        )
        taken = {(a.partner_id.id, a.step_id.id, a.date) for a in same_day}
        new = [
            vals
            for vals in vals_list
            if (vals["partner_id"], vals["step_id"], vals["date"]) not in taken
        ]
        return self._insert_actions(company, new, batch)

    def _insert_actions(self, company, vals_list, batch):
        """Insert new actions with their items and activities, in a few queries.

        What ``create()`` did, at a fraction of its per-record cost: log
        columns, the stored computed fields (``name``; the step's mode and
        channels), the company check on scenario and step, the items, and for
        manual steps the collector's activity and following, as
        ``_schedule_collector_activities`` schedules them. Like the planner's
        ``create()`` before (``mail_create_nolog``, ``mail_create_nosubscribe``,
        ``mail_activity_quick_update``), it logs no creation message,
        subscribes no creator and emails no assignment. ``batch``: the
        ``tools.planning_run.PlanningBatch`` of the actions (its scenarios and
        customer settings are read). Returns the new ids.
        """
        if not vals_list:
            return []
        Action = self.env["dso.dunning.action"].sudo()
        scenarios, settings = batch.scenarios, batch.settings
        rows = []
        for vals in vals_list:
            scenario = scenarios[vals["scenario_id"]]
            step = scenario.steps[vals["step_id"]]
            if company.id != scenario.company_id or company.id != step["company_id"]:
                # what create()'s company check refused: this customer fails
                raise ValueError(
                    f"scenario {scenario.id} of customer {vals['partner_id']} belongs to"
                    f" company {scenario.company_id}, not {company.id}"
                )
            rows.append(
                {
                    **{key: value for key, value in vals.items() if key != "items"},
                    "collector_id": vals["collector_id"] or None,
                    "name": f"{step['name']} — {settings[vals['partner_id']]['name']}",
                }
            )
        Action.flush_model()
        self.env["dso.dunning.step"].flush_model(CHANNELS + ("mode",))
        uid, now = self.env.uid, self.env.cr.now()
        inserted = self.env.execute_query(
            planning_sql.insert_actions(rows, company.currency_id.decimal_places, uid, now)
        )
        ids = {(partner_id, scenario_id): id_ for id_, partner_id, scenario_id in inserted}
        new = [(ids[vals["partner_id"], vals["scenario_id"]], vals) for vals in vals_list]
        columns = {
            name: []
            for name in (
                "action_id", "company_id", "move_line_id", "move_id", "date_maturity",
                "days_overdue", "amount_residual", "amount_residual_currency", "currency_id",
            )
        }  # fmt: skip
        for action_id, vals in new:
            for item in vals["items"]:
                columns["action_id"].append(action_id)
                columns["move_line_id"].append(item.line_id)
                columns["move_id"].append(item.move_id)
                columns["date_maturity"].append(item.maturity)
                columns["days_overdue"].append((vals["date"] - item.maturity).days)
                columns["amount_residual"].append(item.residual)
                columns["amount_residual_currency"].append(item.residual_currency)
                columns["currency_id"].append(item.currency_id)
        if columns["action_id"]:
            columns["company_id"] = [company.id] * len(columns["action_id"])
            self.env.execute_query(planning_sql.insert_action_lines(columns))
        manual = [
            (action_id, vals, row)
            for (action_id, vals), row in zip(new, rows, strict=True)
            if scenarios[vals["scenario_id"]].steps[vals["step_id"]]["mode"] == "manual"
        ]
        self._insert_activities(manual, batch)
        actions = Action.browse(action_id for action_id, _vals in new)
        self._modified_created(actions)
        self.env["dso.dunning.action.line"].invalidate_model()
        self.env["res.partner"].invalidate_model(["dunning_action_ids"])
        return actions.ids

    def _modified_created(self, records):
        """Tell the ORM about ``records`` inserted in SQL, as ``_create()`` does.

        Their stored computed fields were inserted with them: protected, so
        that nothing recomputes them. Then the model's cache is dropped.
        """
        computed = [f for f in records._fields.values() if f.compute and f.store]
        with self.env.protecting(computed, records):
            records.modified(list(records._fields), create=True)
        records.invalidate_model()

    def _insert_activities(self, new, batch):
        """Activities of new manual actions, set-based, as ``activity_schedule`` makes them.

        ``new``: (action id, action values, action row). One activity each,
        for its collector (else the current user), due on the action's date;
        that user's partner follows the action with the default subtypes.
        The assigned users' activity counters are notified once per user.
        """
        if not new:
            return
        Activity = self.env["mail.activity"].sudo()
        IrModelData = self.env["ir.model.data"]
        types = {}
        for xmlid in ("mail.mail_activity_data_call", "mail.mail_activity_data_todo"):
            type_id = IrModelData._xmlid_to_res_id(xmlid, raise_if_not_found=False)
            types[xmlid] = self.env["mail.activity.type"].browse(type_id) or (
                Activity._default_activity_type()
            )
        users = (
            self.env["res.users"]
            .sudo()
            .browse({vals["collector_id"] or self.env.uid for _id, vals, _row in new})
        )
        tz = {user.id: user.tz or None for user in users}
        langs = {user.id: user.lang for user in users}
        texts = {}  # (step id, language): (summary, note) as the collector reads them
        rows = []
        for action_id, vals, row in new:
            step = batch.scenarios[vals["scenario_id"]].steps[vals["step_id"]]
            activity_type = types[
                "mail.mail_activity_data_call"
                if step["channel_call"]
                else "mail.mail_activity_data_todo"
            ]
            user_id = vals["collector_id"] or self.env.uid
            key = (vals["step_id"], langs[user_id])
            if key not in texts:
                texts[key] = self._activity_texts(vals["step_id"], activity_type, langs[user_id])
            summary, note = texts[key]
            rows.append(
                {
                    "res_id": action_id,
                    "res_name": row["name"],
                    "activity_type_id": activity_type.id,
                    "summary": summary,
                    "note": note,
                    "date_deadline": vals["date"],
                    "user_id": user_id,
                    "user_tz": tz[user_id],
                }
            )
        Activity.flush_model()
        uid, now = self.env.uid, self.env.cr.now()
        res_model_id = self.env["ir.model"]._get_id("dso.dunning.action")
        created = self.env.execute_query(
            planning_sql.insert_activities(rows, "dso.dunning.action", res_model_id, uid, now)
        )
        # message_subscribe(): the user's partner follows, unless archived
        # (the current user's partner always does), with the default subtypes.
        default, _internal, external = self.env["mail.message.subtype"].default_subtypes(
            "dso.dunning.action"
        )
        current = self.env.user.partner_id
        follows = {}  # {user id: (partner id, subtype ids)} of the users who follow
        for user in users:
            partner = user.partner_id
            if partner.active or partner == current:
                subtypes = external if partner.partner_share else default
                follows[user.id] = (partner.id, subtypes.ids)
        followers = [
            {
                "res_id": row["res_id"],
                "partner_id": follows[row["user_id"]][0],
                "subtype_ids": follows[row["user_id"]][1],
            }
            for row in rows
            if row["user_id"] in follows
        ]
        if followers:
            self.env["mail.followers"].flush_model()
            self.env.execute_query(planning_sql.insert_followers(followers, "dso.dunning.action"))
        self._modified_created(Activity.browse(id_ for id_, _user, _date in created))
        self.env["mail.followers"].invalidate_model()
        today = fields.Date.today()
        due_now = {}
        for _id, user_id, date_deadline in created:
            if date_deadline <= today:
                due_now[user_id] = due_now.get(user_id, 0) + 1
        for user_id, count in due_now.items():
            users.browse(user_id)._bus_send(
                "mail.activity/updated", {"activity_created": True, "count_diff": count}
            )

    def _activity_texts(self, step_id, activity_type, lang):
        """Summary and note (as stored) of a step's activity, in its collector's language."""
        Activity = self.env["mail.activity"]
        step = self.env["dso.dunning.step"].sudo().with_context(lang=lang).browse(step_id)
        activity_type = activity_type.with_context(lang=lang)
        note = step.help_text or activity_type.default_note
        return (
            step.name or activity_type.summary or None,
            Activity._fields["note"].convert_to_column(note, Activity),
        )

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    def _action_figures(self, company, partner_ids):
        """Current step, last and next dunning dates of customers, in two queries.

        The next action is the customer's earliest pending one, the last its
        latest executed one; the step is the next action's, else the last's.
        """
        Action = self.env["dso.dunning.action"]
        Action.flush_model(["company_id", "partner_id", "state", "step_id", "date"])
        Action.flush_model(["executed_date"])
        figures = {partner_id: dict.fromkeys(ACTION_FIGURES, False) for partner_id in partner_ids}
        if not partner_ids:
            return figures
        where = SQL("company_id = %s AND partner_id IN %s", company.id, tuple(partner_ids))
        last = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (partner_id) partner_id, step_id, executed_date
                  FROM dso_dunning_action
                 WHERE %(where)s AND state IN %(states)s
              ORDER BY partner_id, executed_date DESC NULLS LAST, id DESC
                """,
                where=where,
                states=tuple(EXECUTED_STATES),
            )
        )
        for partner_id, step_id, executed_date in last:
            figures[partner_id].update(
                dunning_step_id=step_id,
                dunning_last_date=executed_date.date() if executed_date else False,
            )
        pending = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (partner_id) partner_id, step_id, date
                  FROM dso_dunning_action
                 WHERE %(where)s AND state IN %(states)s
              ORDER BY partner_id, date, id
                """,
                where=where,
                states=tuple(PENDING_STATES),
            )
        )
        for partner_id, step_id, date in pending:
            figures[partner_id].update(dunning_step_id=step_id, dunning_next_date=date)
        return figures

    def _write_figures(self, company, figures_by_partner):
        """Store customers' figures for ``company`` (``dso.dunning.figure``)."""
        Figure = self.env["dso.dunning.figure"].sudo()
        Figure._store(company, figures_by_partner)
        Figure._untouch(
            company,
            [p for p, figures in figures_by_partner.items() if "dunning_next_date" in figures],
        )
