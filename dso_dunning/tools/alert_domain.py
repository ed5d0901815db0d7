"""Alert criteria → domain on customers (``res.partner``). Pure: no records.

An alert is a set of cumulative (AND) criteria a credit manager fills in a
form; this module checks them and turns them into an Odoo domain that stays
relative: dates are written as ``'today -10d'`` strings, which the ORM parses
when the domain is searched (``odoo.tools.date_utils.parse_date``), so an
alert saved today still means "10 days ago" next month.

Conventions (the model maps its form fields onto them):
- a :class:`Range` bound of ``None`` is open; bounds are inclusive;
- relation criteria are ``(operator, ids)`` with ``"in"`` (equal to one of)
  or ``"not in"`` (different from all, empty values included);
- item criteria select customers having at least one open receivable item
  matching all of them;
- commitment criteria (dispute types, broken promises) select customers
  having at least one commitment of the alert's company matching them.
"""

import dataclasses

from .commitments import BROKEN_STATES, PAYMENT_KINDS, RUNNING_STATES

# Customer amount criteria: key → stored or searchable res.partner field.
AMOUNT_FIELDS = {
    "overdue": "dunning_overdue_amount",
    "total_due": "dunning_total_due",
    "not_due": "dunning_not_due_amount",
    "guarantee": "dunning_guarantee",
    "exposure": "dunning_exposure",
}
# "Equal / different" criteria: key → res.partner field.
RELATION_FIELDS = {
    "collector": "dunning_collector_id",
    "scenario": "dunning_scenario_id",
    "step": "dunning_step_id",
    "category": "category_id",
    "country": "country_id",
    "status": "dunning_status_id",
}
OPERATORS = ("in", "not in")
# Kinds of items (``account.move.line.dunning_item_kind``) → account.move
# move_type values; entries of any other type are "other".
ITEM_TYPES = {
    "invoice": ("out_invoice", "out_receipt"),
    "refund": ("out_refund",),
}
ITEM_TYPE_OTHER = "other"
ITEM_STATUSES = ("open", "excluded", "blocked")


@dataclasses.dataclass(frozen=True)
class Range:
    """Inclusive bounds; ``None`` leaves a side open."""

    low: float | None = None
    high: float | None = None

    @property
    def is_set(self):
        return self.low is not None or self.high is not None

    def contains(self, value):
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


@dataclasses.dataclass(frozen=True)
class ItemCriteria:
    """Criteria on one open item; empty sets mean "any"."""

    days_late: Range = Range()
    residual: Range = Range()
    types: frozenset = frozenset()
    statuses: frozenset = frozenset()
    status_ids: tuple = ()  # item statuses (dso.dunning.status of scope item)

    @property
    def is_set(self):
        return bool(
            self.days_late.is_set
            or self.residual.is_set
            or self.types
            or self.statuses
            or self.status_ids
        )


@dataclasses.dataclass(frozen=True)
class CommitmentCriteria:
    """Criteria on the customer's commitments (promises to pay, disputes).

    ``dispute_type_ids``: a running dispute of one of these types;
    ``broken_promises``: a promise (or a payment plan) broken or only
    partially kept, closed in the last ``broken_promise_days`` days
    (``None``: whenever).
    """

    dispute_type_ids: tuple = ()
    broken_promises: bool = False
    broken_promise_days: int | None = None

    @property
    def is_set(self):
        return bool(self.dispute_type_ids or self.broken_promises)


@dataclasses.dataclass(frozen=True)
class Criteria:
    """Customer criteria of an alert, all cumulative."""

    amounts: dict = dataclasses.field(default_factory=dict)  # key → Range
    not_dunned_days: int | None = None
    days_overdue: Range = Range()
    above_guarantee: bool = False
    relations: dict = dataclasses.field(default_factory=dict)  # key → (operator, ids)
    items: ItemCriteria = ItemCriteria()
    commitments: CommitmentCriteria = CommitmentCriteria()
    # payment behaviour: the customer's average days late (res.partner.dunning_avg_days_late)
    avg_days_late: Range = Range()

    @property
    def is_set(self):
        return bool(
            any(r.is_set for r in self.amounts.values())
            or self.not_dunned_days is not None
            or self.days_overdue.is_set
            or self.above_guarantee
            or any(ids for _op, ids in self.relations.values())
            or self.items.is_set
            or self.commitments.is_set
            or self.avg_days_late.is_set
        )


def range_from_fields(low, high):
    """Form convention: an amount or a number of days left at 0 is empty."""
    return Range(low or None, high or None)


def problems(criteria):
    """What is inconsistent in ``criteria``: a list of ``(code, key)``.

    Codes: ``"range"`` (minimum above maximum), ``"negative_days"``,
    ``"operator"`` (neither equal nor different).
    """
    found = []
    ranges = {**criteria.amounts, "days_overdue": criteria.days_overdue}
    ranges.update(item_days_late=criteria.items.days_late, item_residual=criteria.items.residual)
    for key, bounds in ranges.items():
        if bounds.low is not None and bounds.high is not None and bounds.low > bounds.high:
            found.append(("range", key))
    days = {
        "not_dunned_days": (criteria.not_dunned_days,),
        "days_overdue": (criteria.days_overdue.low, criteria.days_overdue.high),
        "item_days_late": (criteria.items.days_late.low, criteria.items.days_late.high),
        "broken_promise_days": (criteria.commitments.broken_promise_days,),
        "avg_days_late": (criteria.avg_days_late.low, criteria.avg_days_late.high),
    }
    for key, values in days.items():
        if any(value is not None and value < 0 for value in values):
            found.append(("negative_days", key))
    for key, (operator, _ids) in criteria.relations.items():
        if operator not in OPERATORS:
            found.append(("operator", key))
    return found


def _days_ago(days):
    return "today" if not days else f"today -{int(days)}d"


def _range_domain(field, bounds):
    domain = []
    if bounds.low is not None:
        domain.append((field, ">=", bounds.low))
    if bounds.high is not None:
        domain.append((field, "<=", bounds.high))
    return domain


def _or(domains):
    domains = [d for d in domains if d]
    result = []
    for index, domain in enumerate(domains):
        if index < len(domains) - 1:
            result.append("|")
        result.extend(["&"] * (len(domain) - 1) + domain)
    return result


def _days_overdue_domain(bounds):
    """Days overdue counted today from the due date of the oldest overdue item."""
    domain = []
    if bounds.low:  # at least 0 day late: every customer
        domain.append(("dunning_oldest_due_date", "<=", _days_ago(bounds.low)))
    if bounds.high is not None:
        domain += [
            "|",
            ("dunning_oldest_due_date", "=", False),
            ("dunning_oldest_due_date", ">=", _days_ago(bounds.high)),
        ]
    return domain


def item_domain(items, company_id):
    """Domain on ``account.move.line``: open receivable items matching ``items``.

    ``res.partner.dunning_item_ids`` and the paths used here bypass access
    checks on journal entries, which collectors may not read: the company is
    restricted explicitly. The entry's kind and blocked payment are read from
    the item's own copies (``dunning_item_kind``, set on receivable items only,
    and ``dunning_blocked``), all in the index of open items.
    """
    domain = [
        ("company_id", "=", company_id),
        ("parent_state", "=", "posted"),
        ("dunning_item_kind", "!=", False),
        ("reconciled", "=", False),
        # Written as two comparisons (not "!= 0", which the ORM makes "or NULL")
        # so that PostgreSQL uses the partial index of open items.
        "|",
        ("amount_residual", ">", 0),
        ("amount_residual", "<", 0),
    ]
    if items.days_late.high is not None:
        domain.append(("date_maturity", ">=", _days_ago(items.days_late.high)))
    if items.days_late.low is not None:
        domain.append(("date_maturity", "<=", _days_ago(items.days_late.low)))
    domain += _range_domain("amount_residual", items.residual)
    if items.types and set(items.types) != {*ITEM_TYPES, ITEM_TYPE_OTHER}:
        domain.append(("dunning_item_kind", "in", sorted(items.types)))
    if items.statuses:
        by_status = {
            "open": [("no_followup", "=", False), ("dunning_blocked", "=", False)],
            "excluded": [("no_followup", "=", True)],
            "blocked": [("dunning_blocked", "=", True)],
        }
        domain += _or([by_status[status] for status in sorted(items.statuses)])
    if items.status_ids:
        domain.append(("dunning_status_id", "in", sorted(items.status_ids)))
    return domain


def commitment_domains(commitments, company_id):
    """Domains on ``dso.dunning.commitment``, one per criterion a customer must meet.

    Each one is searched on its own (a customer with a running price dispute
    and, on another commitment, a broken promise matches both criteria). As
    for items, the path from customers bypasses access rules: the company is
    restricted explicitly.
    """
    domains = []
    if commitments.dispute_type_ids:
        domains.append(
            [
                ("company_id", "=", company_id),
                ("kind", "=", "dispute"),
                ("state", "in", list(RUNNING_STATES)),
                ("dispute_type_id", "in", sorted(commitments.dispute_type_ids)),
            ]
        )
    if commitments.broken_promises:
        domain = [
            ("company_id", "=", company_id),
            ("kind", "in", list(PAYMENT_KINDS)),
            ("state", "in", list(BROKEN_STATES)),
        ]
        if commitments.broken_promise_days:
            domain.append(("date_closed", ">=", _days_ago(commitments.broken_promise_days)))
        domains.append(domain)
    return domains


def to_domain(criteria, company_id):
    """The domain on res.partner selecting the customers matching ``criteria``.

    Figures are company-dependent: search it in the alert's company.
    """
    domain = []
    for key, bounds in sorted(criteria.amounts.items()):
        domain += _range_domain(AMOUNT_FIELDS[key], bounds)
    if criteria.above_guarantee:
        domain.append(("dunning_exposure", ">", 0))
    if criteria.not_dunned_days is not None:
        # Never dunned customers match too: they were not chased either.
        domain += [
            "|",
            ("dunning_last_date", "=", False),
            ("dunning_last_date", "<=", _days_ago(criteria.not_dunned_days)),
        ]
    domain += _days_overdue_domain(criteria.days_overdue)
    domain += _range_domain("dunning_avg_days_late", criteria.avg_days_late)
    for key, (operator, ids) in sorted(criteria.relations.items()):
        if ids:
            domain.append((RELATION_FIELDS[key], operator, sorted(ids)))
    if criteria.items.is_set:
        domain.append(("dunning_item_ids", "any", item_domain(criteria.items, company_id)))
    for commitment_domain in commitment_domains(criteria.commitments, company_id):
        domain.append(("dunning_commitment_ids", "any", commitment_domain))
    return domain
