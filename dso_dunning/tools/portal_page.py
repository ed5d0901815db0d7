"""What the customer's page shows and accepts, as plain functions (no records)."""

import datetime
import math

# What a customer may say from its page: the reply's qualification.
REPLY_KINDS = ("promise", "dispute")


def items_domain(company_id, partner_id):
    """Open receivable items of one customer (commercial partner), in one
    company (``None``: any): the page's statement."""
    domain = [
        ("partner_id.commercial_partner_id", "=", partner_id),
        ("account_id.account_type", "=", "asset_receivable"),
        ("parent_state", "=", "posted"),
        ("reconciled", "=", False),
        ("amount_residual", "!=", 0),
    ]
    if company_id:
        domain.insert(0, ("company_id", "=", company_id))
    return domain


def payable_invoices_domain(company_id, partner_id, invoice_ids):
    """The invoices among ``invoice_ids`` the customer may pay from its page."""
    return [
        ("id", "in", sorted(invoice_ids)),
        ("company_id", "=", company_id),
        ("commercial_partner_id", "=", partner_id),
        ("move_type", "=", "out_invoice"),
        ("state", "=", "posted"),
        ("payment_state", "in", ("not_paid", "partial")),
    ]


def days_late(due, today):
    return max((today - due).days, 0) if due else 0


def totals(rows):
    """Per currency: (currency, amount due, of which overdue), in first-seen order."""
    by_currency = {}
    for row in rows:
        total = by_currency.setdefault(row["currency"], [0.0, 0.0])
        total[0] += row["amount"]
        if row["days_late"]:
            total[1] += row["amount"]
    return [(currency, due, overdue) for currency, (due, overdue) in by_currency.items()]


class ReplyError(ValueError):
    """A reply the page refuses; ``code`` says why (the controller words it)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def reply_vals(kind, promise_date, promise_amount, dispute_type_id, type_ids, today, horizon=365):
    """The qualification values of a reply typed on the page.

    ``kind``: promise (a date from today to ``horizon`` days ahead, an
    optional positive amount) or dispute (one of ``type_ids``). Raises
    ``ReplyError``.
    """
    if kind not in REPLY_KINDS:
        raise ReplyError("kind")
    if kind == "promise":
        try:
            date = datetime.date.fromisoformat(promise_date or "")
        except ValueError:
            raise ReplyError("date") from None
        if not today <= date <= today + datetime.timedelta(days=horizon):
            raise ReplyError("date")
        try:
            amount = float(promise_amount) if promise_amount else 0.0
        except ValueError:
            raise ReplyError("amount") from None
        if amount < 0 or math.isnan(amount):
            raise ReplyError("amount")
        return {"qualification": "promise", "promise_date": date, "promise_amount": amount}
    try:
        type_id = int(dispute_type_id or 0)
    except ValueError:
        raise ReplyError("type") from None
    if type_id not in type_ids:
        raise ReplyError("type")
    return {"qualification": "dispute", "dispute_type_id": type_id}
