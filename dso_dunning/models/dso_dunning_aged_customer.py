from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from ..tools import alert_sql, kpi_sql, stored_rows
from ..tools.report_actions import report_action
from .dso_dunning_aged_balance import AS_OF_KEY
from .dso_dunning_kpi import BUCKET_LABELS
from .dso_dunning_kpi_snapshot import WORK_MEM

# Buckets past due, summed into ``overdue``.
LATE_BUCKETS = tuple(key for key in BUCKET_LABELS if key != "not_due")


def _amount(key):
    return fields.Monetary(string=BUCKET_LABELS[key], readonly=True)


class DsoDunningAgedCustomer(models.Model):
    """A customer's aged balance in one company, on one date: the report's rows.

    Stored, written set-based from the journal (``kpi_sql.open_items_on``,
    the rule the items' aged balance follows): today's rows every night and
    whenever the report is opened before they exist, a customer's again
    whenever the ledger refresh sees its items move; a past date's rows when
    someone asks for that date (written again at each asking: a back-dated
    entry may change the past). The journal items stay one click away (the
    customer's items, as of the same date). Reading 866,840 open items live
    takes seconds on a large ledger; these rows, a tenth as many, do not.
    """

    _name = "dso.dunning.aged.customer"
    _inherit = ["dso.dunning.company.currency.mixin"]
    _description = "Aged Balance per Customer"
    _order = "overdue desc, residual desc, id"
    _log_access = False
    _rec_name = "partner_id"

    as_of = fields.Date(string="As of", required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    collector_id = fields.Many2one("res.users", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    not_due = _amount("not_due")
    late_1_30 = _amount("late_1_30")
    late_31_60 = _amount("late_31_60")
    late_61_90 = _amount("late_61_90")
    late_over_90 = _amount("late_over_90")
    overdue = fields.Monetary(readonly=True)
    residual = fields.Monetary(string="Balance", readonly=True)
    item_count = fields.Integer(string="Open Items", readonly=True)
    computed_at = fields.Datetime(readonly=True)

    _as_of_idx = models.Index("(company_id, as_of)")
    _customer_unique = models.Constraint(
        "UNIQUE (as_of, company_id, partner_id)",
        "A customer has one aged balance per company and date.",
    )

    # ------------------------------------------------------------------
    # Opening
    # ------------------------------------------------------------------

    @api.model
    def action_open_aged(self, as_of=None):
        """The aged balance per customer of the user's companies, today or ``as_of``.

        Today's rows are written first when they were not yet today; a past
        date's are written at each asking.
        """
        today = fields.Date.context_today(self)
        as_of = fields.Date.to_date(as_of) or today
        if as_of > today:
            raise UserError(
                self.env._("Choose today or a past date: the future is not booked yet.")
            )
        companies = self.env.companies
        if as_of != today:
            self._write_rows(companies, as_of)
        else:
            self._write_rows(companies.filtered(lambda c: not self._has_rows(c, today)), today)
        action = report_action(
            self.env, "dso_dunning.dso_dunning_aged_customer_action", mine="my_portfolio"
        )
        action["domain"] = [("as_of", "=", fields.Date.to_string(as_of))]
        action["context"] = {**action["context"], AS_OF_KEY: fields.Date.to_string(as_of)}
        if as_of != today:
            action["name"] = action["display_name"] = self.env._(
                "Aged Balance as of %(date)s", date=format_date(self.env, as_of)
            )
        return action

    def action_open_items(self):
        """The customer's open items behind this row, as of the same date."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dso_dunning.dso_dunning_aged_balance_action"
        )
        title = self.env._(
            "%(customer)s: Aged Items as of %(date)s",
            customer=self.partner_id.display_name,
            date=format_date(self.env, self.as_of),
        )
        action.update(
            name=title,
            display_name=title,
            domain=[
                ("partner_id", "child_of", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
            ],
            context={AS_OF_KEY: fields.Date.to_string(self.as_of)},
            view_mode="list,pivot,graph",
            views=[(False, "list"), (False, "pivot"), (False, "graph")],
        )
        return action

    # ------------------------------------------------------------------
    # Writing
    # ------------------------------------------------------------------

    def _has_rows(self, company, as_of):
        rows = self.env.execute_query(
            SQL(
                "SELECT 1 FROM %s WHERE company_id = %s AND as_of = %s LIMIT 1",
                SQL.identifier(self._table),
                company.id,
                as_of,
            )
        )
        return bool(rows)

    @api.model
    def _write_rows(self, companies, as_of, partner_ids=None):
        """Write the rows of ``companies`` on ``as_of`` again (only ``partner_ids``'s if given).

        One delete and one insert per company, under a lock per company
        (``stored_rows``): two writers wait for each other rather than write
        a customer twice.
        """
        if not companies or (partner_ids is not None and not partner_ids):
            return
        self.env.flush_all()
        # a whole ledger: hashed and sorted in memory, no JIT (restored after);
        # a few customers: their items looked up by index, as the defaults do
        settings = {"jit": "off"}
        if partner_ids is None:
            settings.update(enable_nestloop="off", work_mem=WORK_MEM)
        previous = self.env.execute_query(alert_sql.set_settings(settings, read_previous=True))[0]
        today = fields.Date.context_today(self)
        for company in companies.sudo():
            stored_rows.lock_company(self.env, self._table, company.id)
            stored_rows.delete_company_rows(
                self.env, self._table, company.id, partner_ids, SQL("as_of = %s", as_of)
            )
            self.env.execute_query(self._insert_query(company, as_of, today, partner_ids))
        self.env.execute_query(
            alert_sql.set_settings(dict(zip(settings, previous[::2], strict=True)))
        )
        self.invalidate_model()

    def _insert_query(self, company, as_of, today, partner_ids):
        amounts = kpi_sql.bucket_amounts("item")
        joins, collector = kpi_sql.collector_joins("partner", "company")
        return SQL(
            """
            INSERT INTO %(table)s (as_of, partner_id, company_id, collector_id, country_id,
                                   %(keys)s, overdue, residual, item_count, computed_at)
            SELECT %(as_of)s, customer.partner_id, customer.company_id, %(collector)s,
                   partner.country_id, %(customer_keys)s, %(overdue)s, customer.residual,
                   customer.item_count, %(now)s
              FROM (
                  -- the items' partners are their customers but for a few contacts:
                  -- summed per partner first, then per customer
                  SELECT owner.commercial_partner_id AS partner_id, item.company_id,
                         %(resums)s, SUM(item.residual) AS residual,
                         SUM(item.item_count) AS item_count
                    FROM (
                        SELECT item.partner_id, item.company_id, %(sums)s,
                               SUM(item.residual) AS residual, COUNT(*) AS item_count
                          FROM (%(items)s) item
                         WHERE item.residual != 0 AND item.company_id = %(company)s
                      GROUP BY item.partner_id, item.company_id
                    ) item
                    JOIN res_partner owner ON owner.id = item.partner_id
                GROUP BY owner.commercial_partner_id, item.company_id
              ) customer
              JOIN res_partner partner ON partner.id = customer.partner_id
              JOIN res_company company ON company.id = customer.company_id
              %(collector_joins)s
            """,
            table=SQL.identifier(self._table),
            keys=SQL(", ").join(SQL.identifier(key) for key, _amount in amounts),
            customer_keys=SQL(", ").join(
                SQL("customer.%s", SQL.identifier(key)) for key, _amount in amounts
            ),
            overdue=SQL(" + ").join(
                SQL("customer.%s", SQL.identifier(key)) for key in LATE_BUCKETS
            ),
            sums=SQL(", ").join(
                SQL("SUM(%s) AS %s", amount, SQL.identifier(key)) for key, amount in amounts
            ),
            resums=SQL(", ").join(
                SQL("SUM(item.%s) AS %s", SQL.identifier(key), SQL.identifier(key))
                for key, _amount in amounts
            ),
            as_of=as_of,
            collector=collector,
            collector_joins=joins,
            items=kpi_sql.open_items_on(as_of, today, partner_ids),
            company=company.id,
            now=fields.Datetime.now(),
        )

    @api.model
    def _refresh_customers(self, company, partner_ids):
        """The ledger refresh moved these customers: today's rows follow, when written today."""
        today = fields.Date.context_today(self)
        if self._has_rows(company, today):
            self._write_rows(company, today, partner_ids)

    @api.model
    def _cron_write(self):
        """Nightly: forget the dates asked before today, write today's rows of every company."""
        today = fields.Date.context_today(self)
        self.env.execute_query(
            SQL(
                "DELETE FROM %s WHERE as_of != %s AND computed_at < %s",
                SQL.identifier(self._table),
                today,
                fields.Datetime.to_datetime(today),
            )
        )
        # the companies that sell: the others have no receivable
        companies = self.env["account.journal"].search([("type", "=", "sale")]).company_id
        self._write_rows(companies, today)
