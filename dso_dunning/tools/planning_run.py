"""The state of a planning run, carried through its steps in two small objects.

A run plans the customers of one company; its customers are planned in
batches. What every step reads (company, date, options, the scenarios read
so far) and what it counts travel in a ``PlanningRun``; what was read for
one batch of customers in a ``PlanningBatch``. The records are Odoo's, the
objects plain: the rules themselves stay in ``tools.planning``.
"""

import dataclasses
import datetime
import typing

# What a run counts, returned by ``dso.dunning.planner._plan``.
STAT_KEYS = ("created", "updated", "cancelled", "skipped", "failed")


def new_stats():
    """Counters of a run (or of a batch before it is added to its run): all zero."""
    return dict.fromkeys(STAT_KEYS, 0)


def add_stats(stats, counts):
    """Add ``counts`` to ``stats``, in place."""
    for key, value in counts.items():
        stats[key] += value


@dataclasses.dataclass(frozen=True, slots=True)
class PlanningRun:
    """One planning run in one company.

    ``partners``: the customers asked for (None: every customer);
    ``force``: plan again customers already planned today; ``in_cron``:
    commit each batch with its progress. ``stats`` is shared by the runs of
    one call over several companies; ``scenarios`` ({id: planning.Scenario})
    is read once per run, as batches need them.
    """

    company: typing.Any  # res.company, as superuser
    today: datetime.date
    partners: typing.Any = None  # res.partner or None
    force: bool = False
    in_cron: bool = False
    stats: dict = dataclasses.field(default_factory=new_stats)
    scenarios: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True)
class PlanningBatch:
    """What was read for a batch of customers, before deciding for each.

    ``by_partner``: the open item rows of the run, by customer id;
    ``settings``: what the rules read of each customer (block, scenario,
    collector, name); ``existing``: pending and recent actions by
    (customer id, scenario id); ``action_scenarios``: the scenarios of each
    customer's actions; ``items``: each customer's items by scenario, filled
    while deciding and read again for the figures.
    """

    run: PlanningRun
    by_partner: dict
    settings: dict
    existing: dict = dataclasses.field(default_factory=dict)
    action_scenarios: dict = dataclasses.field(default_factory=dict)
    items: dict = dataclasses.field(default_factory=dict)

    @property
    def company(self):
        return self.run.company

    @property
    def today(self):
        return self.run.today

    @property
    def scenarios(self):
        return self.run.scenarios
