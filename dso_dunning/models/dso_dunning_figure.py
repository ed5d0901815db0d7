import datetime
import json

from odoo import fields, models
from odoo.tools import SQL, sql

from ..tools import schema

# Columns of the figures, named as the res.partner fields that show them.
FIGURE_COLUMNS = {
    "dunning_total_due": "numeric",
    "dunning_overdue_amount": "numeric",
    "dunning_not_due_amount": "numeric",
    "dunning_oldest_due_date": "date",
    "dunning_days_overdue": "int4",
    "dunning_step_id": "int4",
    "dunning_last_date": "date",
    "dunning_next_date": "date",
    "dunning_skip_reason": "varchar",
    "dunning_planned_on": "date",
}
# Customers whose action figures wait to be written before the commit.
TOUCHED_KEY = "dso_dunning.figures_touched"
# The figures that follow the customer's actions.
ACTION_FIGURES = ("dunning_step_id", "dunning_last_date", "dunning_next_date")
# Figures that read 0 for a customer without figures in the company.
FIGURE_NUMBERS = (
    "dunning_total_due",
    "dunning_overdue_amount",
    "dunning_not_due_amount",
    "dunning_days_overdue",
)


def _column_value(value):
    """A figure as the JSON the upsert reads: dates in ISO, records as ids, empty as null."""
    if isinstance(value, models.BaseModel):
        return value.id or None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is False or value is None:
        return None
    return value


class DsoDunningFigure(models.Model):
    """A customer's dunning figures in one company, written by the planning run.

    One row per customer and company, in plain columns: a filter on the
    figures (an alert, a list filter) compares columns, where a
    company-dependent field would read a JSON value per condition and per
    customer. The customer's fields of the same names show them in the
    current company (``res.partner``).
    """

    _name = "dso.dunning.figure"
    _description = "Customer Dunning Figures"
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    dunning_total_due = fields.Float(string="Total Outstanding", digits="Account")
    dunning_overdue_amount = fields.Float(string="Overdue Amount", digits="Account")
    dunning_not_due_amount = fields.Float(string="Not Yet Due", digits="Account")
    dunning_oldest_due_date = fields.Date(string="Oldest Overdue Due Date")
    dunning_days_overdue = fields.Integer(string="Days Overdue")
    dunning_step_id = fields.Many2one(
        "dso.dunning.step", string="Current Step", ondelete="set null"
    )
    dunning_last_date = fields.Date(string="Last Dunning Date")
    dunning_next_date = fields.Date(string="Next Action Date")
    dunning_skip_reason = fields.Char(string="Not Dunned Because")
    dunning_planned_on = fields.Date()
    stale = fields.Boolean(
        help="The customer's ledger moved since these figures were written: the refresh job "
        "plans it again within minutes."
    )

    _stale_idx = models.Index("(id) WHERE stale")
    _partner_company_unique = models.Constraint(
        "UNIQUE (partner_id, company_id)", "A customer has one set of figures per company."
    )

    def _read_figures(self, company, partner_ids):
        """{customer id: {figure: value}} of ``company``, in one query."""
        if not partner_ids:
            return {}
        self._refresh_touched()
        rows = self.env.execute_query_dict(
            SQL(
                "SELECT partner_id, %s FROM %s WHERE company_id = %s AND partner_id IN %s",
                SQL(", ").join(SQL.identifier(name) for name in FIGURE_COLUMNS),
                SQL.identifier(self._table),
                company.id,
                tuple(partner_ids),
            )
        )
        return {row.pop("partner_id"): row for row in rows}

    def _store(self, company, figures_by_partner):
        """Write ``{customer id: {figure: value}}`` for ``company``: one upsert per set of figures.

        Set-based SQL rather than ``create()``/``write()``: the planning run
        writes the figures of thousands of customers. The customers' figure
        fields are invalidated, and their dependents told.
        """
        by_fields = {}
        for partner_id, figures in figures_by_partner.items():
            row = {name: _column_value(value) for name, value in figures.items()}
            by_fields.setdefault(tuple(sorted(figures)), []).append(
                {"partner_id": partner_id, **row}
            )
        Partner = self.env["res.partner"]
        for fnames, rows in by_fields.items():
            partners = Partner.browse(row["partner_id"] for row in rows)
            partners.modified(fnames, before=True)
            self.env.execute_query(
                SQL(
                    """
                    INSERT INTO %(table)s (partner_id, company_id, %(columns)s)
                    SELECT figures.partner_id, %(company)s, %(columns)s
                      FROM jsonb_to_recordset(%(rows)s::jsonb)
                           AS figures(partner_id int4, %(types)s)
                    ON CONFLICT (partner_id, company_id) DO UPDATE SET %(updates)s
                    """,
                    table=SQL.identifier(self._table),
                    columns=SQL(", ").join(SQL.identifier(name) for name in fnames),
                    company=company.id,
                    rows=json.dumps(rows),
                    types=SQL(", ").join(
                        SQL("%s %s", SQL.identifier(name), SQL(FIGURE_COLUMNS[name]))
                        for name in fnames
                    ),
                    updates=SQL(", ").join(
                        SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
                        for name in fnames
                    ),
                )
            )
            partners.invalidate_recordset(fnames)
            partners.modified(fnames)
        self.invalidate_model()

    def _touch(self, actions):
        """The figures ``actions`` move (step, last and next dunning dates) are stale.

        They are written again before the transaction ends (at the latest
        when it commits, see ``_refresh_touched``), so that a customer
        contacted or rescheduled shows it at once, never at the next
        planning run. Several changes in one transaction cost one refresh.
        """
        data = self.env.cr.precommit.data
        touched = data.get(TOUCHED_KEY)
        if touched is None:
            touched = data[TOUCHED_KEY] = set()
            self.env.cr.precommit.add(self.sudo()._refresh_touched)
        touched.update((action.company_id.id, action.partner_id.id) for action in actions)
        # read again (and so refreshed first) by whoever reads them next
        actions.partner_id.invalidate_recordset([*ACTION_FIGURES, "dunning_alert_ids"])

    def _refresh_touched(self):
        """Write the action figures of the customers touched in this transaction."""
        touched = self.env.cr.precommit.data.get(TOUCHED_KEY)
        if not touched:
            return
        by_company = {}
        for company_id, partner_id in touched:
            by_company.setdefault(company_id, set()).add(partner_id)
        touched.clear()
        Planner = self.env["dso.dunning.planner"].sudo()
        for company_id, partner_ids in by_company.items():
            company = self.env["res.company"].browse(company_id)
            Planner._write_figures(company, Planner._action_figures(company, list(partner_ids)))

    def _untouch(self, company, partner_ids):
        """These customers' action figures were just written: nothing left to refresh."""
        touched = self.env.cr.precommit.data.get(TOUCHED_KEY)
        if touched:
            touched.difference_update((company.id, partner_id) for partner_id in partner_ids)

    def _move_company_dependent_figures(self):
        """Move figures an earlier version stored on res.partner into this table.

        Run by the update to 19.0.1.2.0 (post-migration); nothing to do when
        the columns are gone.

        They were company-dependent fields: one JSON column per figure, keyed
        by company id. Each (customer, company) pair holding any figure
        becomes a row; the JSON columns are then dropped.
        """
        cr = self.env.cr
        partner_columns = sql.table_columns(cr, "res_partner")
        columns = [
            name
            for name in FIGURE_COLUMNS
            if partner_columns.get(name, {}).get("udt_name") == "jsonb"
        ]
        if not columns:
            return
        keys = SQL(" || ").join(
            SQL("COALESCE(partner.%s, '{}'::jsonb)", SQL.identifier(name)) for name in columns
        )
        cr.execute(
            SQL(
                """
                INSERT INTO %(table)s (partner_id, company_id, %(columns)s)
                SELECT partner.id, company.id, %(values)s
                  FROM res_partner partner
                  JOIN LATERAL jsonb_object_keys(%(keys)s) AS figure(company_key) ON TRUE
                  JOIN res_company company ON company.id::text = figure.company_key
                """,
                table=SQL.identifier(self._table),
                columns=SQL(", ").join(SQL.identifier(name) for name in columns),
                values=SQL(", ").join(self._moved_value(name) for name in columns),
                keys=keys,
            )
        )
        schema.drop_columns(cr, "res_partner", columns)

    def _moved_value(self, name):
        value = SQL(
            "(partner.%s->>figure.company_key)::%s",
            SQL.identifier(name),
            SQL(FIGURE_COLUMNS[name]),
        )
        if name == "dunning_step_id":  # a step deleted since is no step
            value = SQL("(SELECT step.id FROM dso_dunning_step step WHERE step.id = %s)", value)
        return value
