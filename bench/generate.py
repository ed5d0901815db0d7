"""Build a benchmark database: ``make bench-data SIZE=S|M|L``.

Sizes (customers / customer invoices): S 1k / 10k, M 20k / 200k, L 100k / 1M.

How, and what it guarantees:

1. The database is a clone of the test template (account with the generic
   chart, mail, sms) with dso_dunning installed, no demo data.
2. A *base set* is made through the ORM, so every accounting invariant holds:
   30 customers (countries, partner groups, collectors, emails), 10 posted
   invoices each with ages from 30 days before to 200 days after the due
   date, a fifth of them on a 30 % / 70 %-at-60-days installment term, a quarter
   paid in full, a sixth paid in part, an open credit note for every fifth
   customer, one item excluded from follow-up.
3. The base set is multiplied in set-based SQL, one ``INSERT … SELECT`` per
   table over ``generate_series``: copy ``k`` gets new ids (old id + k × span),
   its own customers, names suffixed ``-k``, every date moved ``k × 37 mod 91``
   days into the past. Whole moves are copied with all their lines and the
   partial / full reconciliations between them are remapped, so moves stay
   balanced and residuals, ``reconciled`` and payment states stay consistent.
   Payments are copied as plain journal entries (no ``account.payment``
   record; their reconciliations are kept).

Customers and their ledgers are independent, so the totals scale linearly:
copy k has exactly the figures of the base set, with older dates.
"""

import argparse
import datetime
import math
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

import common

from odoo.tools import SQL

BASE_CUSTOMERS = 30
INVOICES_PER_CUSTOMER = 10
COPIED_TABLES = (
    "res_partner",
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
    "account_full_reconcile",
)


def create_database(db):
    import test_db

    template = test_db.ensure_template(test_db.dependencies())
    common.log(f"cloning {template} into {db}, installing dso_dunning")
    test_db.clone(template, db)
    common.odoo_bin(db, "-i", "dso_dunning", "--stop-after-init")


def make_base_set(env, rnd):
    """The ORM-made customers and documents the SQL copies multiply."""
    from odoo import Command

    company = env.company
    today = datetime.date.today()
    countries = [env.ref(f"base.{code}") for code in ("fr", "be", "de", "es", "it")]
    groups = env["res.partner.category"].create(
        [{"name": name} for name in ("Public", "Retail", "Wholesale")]
    )
    collectors = env["res.users"].create(
        [
            {
                "name": f"Collector {i}",
                "login": f"bench_collector_{i}",
                "email": f"collector{i}@example.com",
                "group_ids": [Command.link(env.ref("dso_dunning.group_dso_dunning_collector").id)],
            }
            for i in range(1, 4)
        ]
    )
    customers = env["res.partner"].create(
        [
            {
                "name": f"Customer {i:02d}",
                "is_company": True,
                "email": f"ap{i}@customer.example.com",
                "phone": f"+33 1 23 45 67 {i:02d}",
                "country_id": countries[i % len(countries)].id,
                "category_id": [Command.set(groups[i % len(groups)].ids)],
                "lang": "en_US",
            }
            for i in range(BASE_CUSTOMERS)
        ]
    )
    assert customers.ids == list(range(customers.ids[0], customers.ids[0] + len(customers)))
    for i, customer in enumerate(customers):
        customer.with_company(company).dunning_collector_id = collectors[i % len(collectors)]
    installments = env["account.payment.term"].create(
        {
            "name": "30% now, balance in 60 days",
            "line_ids": [
                Command.create({"value": "percent", "value_amount": 30, "nb_days": 0}),
                Command.create({"value": "percent", "value_amount": 70, "nb_days": 60}),
            ],
        }
    )
    vals_list = []
    for customer in customers:
        for _ in range(INVOICES_PER_CUSTOMER):
            age = rnd.choice(
                [rnd.randint(-30, -1)] * 25
                + [rnd.randint(1, 30)] * 30
                + [rnd.randint(31, 60)] * 20
                + [rnd.randint(61, 120)] * 15
                + [rnd.randint(121, 200)] * 10
            )
            term = rnd.random() < 0.2
            invoice_date = today - datetime.timedelta(days=age + (60 if term else 30))
            vals = {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "invoice_date": invoice_date,
                "date": invoice_date,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Service",
                            "quantity": 1,
                            "price_unit": rnd.randrange(100, 5000),
                            "tax_ids": [],
                        }
                    )
                ],
            }
            if term:
                vals["invoice_payment_term_id"] = installments.id
            else:
                vals.update(
                    invoice_payment_term_id=False,
                    invoice_date_due=invoice_date + datetime.timedelta(days=30),
                )
            vals_list.append(vals)
    for i, customer in enumerate(customers):
        if i % 5 == 0:
            vals_list.append(
                {
                    "move_type": "out_refund",
                    "partner_id": customer.id,
                    "invoice_date": today - datetime.timedelta(days=10),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Refund", "quantity": 1, "price_unit": 200, "tax_ids": []}
                        )
                    ],
                }
            )
    moves = env["account.move"].create(vals_list)
    moves.action_post()
    invoices = moves.filtered(lambda m: m.move_type == "out_invoice")
    for invoice in invoices:
        draw = rnd.random()
        if draw >= 0.4:
            continue
        due = invoice.invoice_date_due
        amount = invoice.amount_total if draw < 0.25 else round(invoice.amount_total * 0.4, 2)
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create(
            {"amount": amount, "payment_date": min(today, due + datetime.timedelta(days=5))}
        )._create_payments()
    receivable = invoices[3].line_ids.filtered(
        lambda line: line.account_id.account_type == "asset_receivable"
    )
    receivable[:1].no_followup = True
    env.flush_all()
    return customers, collectors


def _columns(env, table):
    rows = env.execute_query(
        SQL(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
            table,
        )
    )
    return [name for (name,) in rows]


def _copy_table(env, table, copies, overrides):
    """INSERT one copy of every row of ``table`` per k in 1..copies.

    ``overrides`` maps a column to an SQL expression over the source row
    ``src`` and the copy number ``k``; other columns are copied as they are.
    """
    columns = _columns(env, table)
    values = [overrides.get(col, SQL("src.%s", SQL.identifier(col))) for col in columns]
    env.cr.execute(
        SQL(
            "INSERT INTO %(table)s (%(columns)s) SELECT %(values)s"
            "  FROM %(table)s src CROSS JOIN generate_series(1, %(copies)s) AS k",
            table=SQL.identifier(table),
            columns=SQL(", ").join(SQL.identifier(col) for col in columns),
            values=SQL(", ").join(values),
            copies=copies,
        )
    )
    return env.cr.rowcount


def multiply(env, customers, collectors, copies):
    """Copy the base set ``copies`` times in SQL (see the module docstring)."""
    spans = {}
    for table in COPIED_TABLES:
        low, high = env.execute_query(
            SQL("SELECT MIN(id), MAX(id) FROM %s", SQL.identifier(table))
        )[0]
        spans[table] = (low or 0, (high or 0) - (low or 0) + 1)
    p_low, p_high = customers.ids[0], customers.ids[-1]
    p_span = spans["res_partner"][1]

    def new_id(table, column="src.id"):
        return SQL("%s + k * %s", SQL(column), spans[table][1])

    def partner(column):
        return SQL(
            "CASE WHEN %(col)s BETWEEN %(low)s AND %(high)s THEN %(col)s + k * %(span)s"
            " ELSE %(col)s END",
            col=SQL(column),
            low=p_low,
            high=p_high,
            span=p_span,
        )

    def shifted(column):
        return SQL("%s - ((k * 37) %% 91)", SQL(column))

    def mapped(table, column):
        return SQL("CASE WHEN %s IS NOT NULL THEN %s END", SQL(column), new_id(table, column))

    company = env.company.id
    stats = {}
    # Only the base customers are copied (not users' or companies' partners).
    env.cr.execute(
        SQL(
            "CREATE TEMP TABLE bench_src_partner AS SELECT * FROM res_partner"
            " WHERE id BETWEEN %s AND %s",
            p_low,
            p_high,
        )
    )
    columns = _columns(env, "res_partner")
    overrides = {
        "id": SQL("src.id + k * %s", p_span),
        "name": SQL("src.name || ' ' || k"),
        "complete_name": SQL("src.complete_name || ' ' || k"),
        "commercial_partner_id": SQL("src.id + k * %s", p_span),
        "email": SQL("'ap' || (src.id + k * %s) || '@customer.example.com'", p_span),
        "country_id": SQL(
            "(ARRAY(SELECT id FROM res_country WHERE code IN ('FR','BE','DE','ES','IT')"
            " ORDER BY code))[1 + (src.id + k) %% 5]"
        ),
        "dunning_collector_id": SQL(
            "jsonb_build_object(%s, (%s::int[])[1 + (src.id + k) %% 3])",
            str(company),
            collectors.ids,
        ),
    }
    env.cr.execute(
        SQL(
            "INSERT INTO res_partner (%(columns)s) SELECT %(values)s"
            "  FROM bench_src_partner src CROSS JOIN generate_series(1, %(copies)s) AS k",
            columns=SQL(", ").join(SQL.identifier(col) for col in columns),
            values=SQL(", ").join(
                overrides.get(col, SQL("src.%s", SQL.identifier(col))) for col in columns
            ),
            copies=copies,
        )
    )
    stats["res_partner"] = env.cr.rowcount
    env.cr.execute(
        SQL(
            "INSERT INTO res_partner_res_partner_category_rel (category_id, partner_id)"
            " SELECT rel.category_id, rel.partner_id + k * %(span)s"
            "   FROM res_partner_res_partner_category_rel rel"
            "   CROSS JOIN generate_series(1, %(copies)s) AS k"
            "  WHERE rel.partner_id BETWEEN %(low)s AND %(high)s",
            span=p_span,
            copies=copies,
            low=p_low,
            high=p_high,
        )
    )
    stats["account_full_reconcile"] = _copy_table(
        env,
        "account_full_reconcile",
        copies,
        {"id": new_id("account_full_reconcile"), "exchange_move_id": SQL("NULL")},
    )
    stats["account_move"] = _copy_table(
        env,
        "account_move",
        copies,
        {
            "id": new_id("account_move"),
            "name": SQL("src.name || '-' || k"),
            "partner_id": partner("src.partner_id"),
            "commercial_partner_id": partner("src.commercial_partner_id"),
            "partner_shipping_id": partner("src.partner_shipping_id"),
            "date": shifted("src.date"),
            "invoice_date": shifted("src.invoice_date"),
            "invoice_date_due": shifted("src.invoice_date_due"),
            "reversed_entry_id": mapped("account_move", "src.reversed_entry_id"),
            "origin_payment_id": SQL("NULL"),
            "statement_line_id": SQL("NULL"),
            "tax_cash_basis_origin_move_id": SQL("NULL"),
        },
    )
    stats["account_move_line"] = _copy_table(
        env,
        "account_move_line",
        copies,
        {
            "id": new_id("account_move_line"),
            "move_id": new_id("account_move", "src.move_id"),
            "move_name": SQL("src.move_name || '-' || k"),
            "partner_id": partner("src.partner_id"),
            "date": shifted("src.date"),
            "invoice_date": shifted("src.invoice_date"),
            "date_maturity": shifted("src.date_maturity"),
            "discount_date": shifted("src.discount_date"),
            "full_reconcile_id": mapped("account_full_reconcile", "src.full_reconcile_id"),
            "matching_number": SQL(
                "CASE WHEN src.full_reconcile_id IS NOT NULL"
                " THEN (src.full_reconcile_id + k * %s)::text"
                " WHEN src.matching_number LIKE 'P%%'"
                " THEN 'P' || (substr(src.matching_number, 2)::int + k * %s)"
                " END",
                spans["account_full_reconcile"][1],
                spans["account_partial_reconcile"][1],
            ),
            "payment_id": SQL("NULL"),
            "statement_line_id": SQL("NULL"),
        },
    )
    stats["account_partial_reconcile"] = _copy_table(
        env,
        "account_partial_reconcile",
        copies,
        {
            "id": new_id("account_partial_reconcile"),
            "debit_move_id": new_id("account_move_line", "src.debit_move_id"),
            "credit_move_id": new_id("account_move_line", "src.credit_move_id"),
            "full_reconcile_id": mapped("account_full_reconcile", "src.full_reconcile_id"),
            "exchange_move_id": SQL("NULL"),
            "max_date": shifted("src.max_date"),
        },
    )
    for table in COPIED_TABLES:
        env.cr.execute(
            SQL(
                "SELECT setval(%s, (SELECT MAX(id) FROM %s))",
                f"{table}_id_seq",
                SQL.identifier(table),
            )
        )
    return stats


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="S", choices=sorted(common.SIZES))
    args = parser.parse_args()
    n_customers = common.SIZES[args.size][0]
    copies = math.ceil(n_customers / BASE_CUSTOMERS) - 1
    db = common.db_name(args.size)
    started = time.time()
    create_database(db)
    common.log(f"database ready in {time.time() - started:.0f} s; base set through the ORM")
    registry = common.open_registry(db)
    from odoo import SUPERUSER_ID, api

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        step = time.time()
        customers, collectors = make_base_set(env, random.Random(7))
        cr.commit()  # the base set is the source of the SQL copies below
        common.log(f"base set in {time.time() - step:.0f} s; {copies} copies in SQL")
        step = time.time()
        stats = multiply(env, customers, collectors, copies)
        cr.commit()
        common.log(f"copies in {time.time() - step:.0f} s: {stats}")
    with registry.cursor() as cr:
        cr.execute("ANALYZE")
        cr.execute(
            "SELECT (SELECT COUNT(*) FROM res_partner WHERE name LIKE 'Customer %%'),"
            " (SELECT COUNT(*) FROM account_move WHERE move_type = 'out_invoice'),"
            " (SELECT COUNT(*) FROM account_move_line)"
        )
        counts = dict(zip(("customers", "invoices", "items"), cr.fetchone(), strict=True))
    common.log(f"{db} ({args.size}) built in {time.time() - started:.0f} s: {counts}")


if __name__ == "__main__":
    main()
