import datetime

from odoo.tests import BaseCase, tagged

from ..tools import planning
from ..tools.planning import Episode, Item, StepRule

TODAY = datetime.date(2025, 6, 30)


def days(n):
    return TODAY + datetime.timedelta(days=n)


COURTESY = StepRule(1, 0, -5)
FIRST = StepRule(2, 1, 7)
SECOND = StepRule(3, 2, 15)
THIRD = StepRule(4, 3, 30)
STEPS = [COURTESY, FIRST, SECOND, THIRD]
NOTHING_YET = Episode()


def item(line_id, late, residual=100.0):
    return Item(line_id, line_id, days(-late), residual)


@tagged("post_install", "-at_install")
class TestNextStep(BaseCase):
    """``next_step``: which step a customer is due for, and on which date."""

    def next_step(self, late, steps=STEPS, amount=100.0, episode=NOTHING_YET, **kwargs):
        return planning.next_step(
            steps,
            today=TODAY,
            reference_date=days(-late),
            amount=amount,
            episode=episode,
            **kwargs,
        )

    def test_catch_up_to_the_highest_step_reached(self):
        decision = self.next_step(45)
        self.assertEqual(decision.step, THIRD)
        self.assertEqual(decision.date, TODAY)

    def test_at_least_n_days_not_exactly(self):
        self.assertEqual(self.next_step(7).step, FIRST, "reached on the day")
        self.assertEqual(self.next_step(8).step, FIRST, "still reached a day later")
        self.assertEqual(self.next_step(29).step, SECOND)
        self.assertEqual(self.next_step(30).step, THIRD)

    def test_future_step_within_horizon(self):
        decision = self.next_step(3, episode=Episode(last_sequence=0), horizon=15)
        self.assertEqual(decision.step, FIRST)
        self.assertEqual(decision.date, days(4))
        self.assertIsNone(self.next_step(3, episode=Episode(last_sequence=0), horizon=3))

    def test_pre_due_step_planned_ahead(self):
        decision = self.next_step(-10, horizon=15)
        self.assertEqual(decision.step, COURTESY)
        self.assertEqual(decision.date, days(5))
        self.assertIsNone(self.next_step(-30, horizon=15))
        self.assertEqual(self.next_step(-3).date, TODAY, "inside the pre-due window")

    def test_only_steps_after_the_last_one_of_the_episode(self):
        decision = self.next_step(45, episode=Episode(last_sequence=3))
        self.assertIsNone(decision)
        decision = self.next_step(20, episode=Episode(last_sequence=2))
        self.assertIsNone(decision, "third step not reached and beyond the horizon")

    def test_min_amount_passes_a_step_over(self):
        steps = [COURTESY, FIRST, SECOND, StepRule(4, 3, 30, min_amount=1000)]
        self.assertEqual(self.next_step(45, steps=steps, amount=999).step, SECOND)
        self.assertEqual(self.next_step(45, steps=steps, amount=1000).step.id, 4)

    def test_min_interval_after_the_last_execution(self):
        episode = Episode(last_sequence=1, last_executed=days(-2))
        decision = self.next_step(20, episode=episode, min_interval=5, horizon=15)
        self.assertEqual(decision.step, SECOND)
        self.assertEqual(decision.date, days(3))
        self.assertIsNone(self.next_step(20, episode=episode, min_interval=5, horizon=2))
        decision = self.next_step(20, episode=episode, min_interval=1)
        self.assertEqual(decision.date, TODAY)

    def test_previous_action_step_needs_an_execution(self):
        again = StepRule(5, 2, 10, reference=planning.REF_PREVIOUS_ACTION)
        steps = [StepRule(2, 0, 7), StepRule(3, 1, 15), again]
        self.assertIsNone(self.next_step(20, steps=steps, episode=Episode(last_sequence=1)))
        executed = Episode(last_sequence=1, last_executed=days(-4))
        decision = self.next_step(20, steps=steps, episode=executed, horizon=15)
        self.assertEqual(decision.step, again)
        self.assertEqual(decision.date, days(6))


@tagged("post_install", "-at_install")
class TestStepChecks(BaseCase):
    """``check_steps``: the order problems a scenario form reports."""

    def test_valid_scenario(self):
        self.assertEqual(planning.check_steps(STEPS), [])

    def test_offsets_not_increasing(self):
        same = StepRule(5, 4, 30)
        self.assertEqual(planning.check_steps([*STEPS, same]), [("order", same)])

    def test_previous_action_step_first_or_negative(self):
        first = StepRule(5, -1, 3, reference=planning.REF_PREVIOUS_ACTION)
        negative = StepRule(6, 9, -3, reference=planning.REF_PREVIOUS_ACTION)
        self.assertEqual(
            planning.check_steps([*STEPS, first, negative]),
            [("first_previous", first), ("negative_previous", negative)],
        )


@tagged("post_install", "-at_install")
class TestItems(BaseCase):
    """Items: grouping, reference date, amounts and what an action lists."""

    def test_collect_items_per_scenario(self):
        rows = [
            {
                "override_id": None,
                "line_ids": [2, 1],
                "move_ids": [20, 10],
                "maturities": [days(-3), days(-9)],
                "residuals": [50, 100],
                "residuals_currency": [50, None],
                "currency_ids": [1, 1],
            },
            {
                "override_id": 7,
                "line_ids": [3],
                "move_ids": [30],
                "maturities": [days(-40)],
                "residuals": [10],
                "residuals_currency": [10],
                "currency_ids": [1],
            },
        ]
        items = planning.collect_items(rows, default_scenario_id=5)
        self.assertEqual(sorted(items), [5, 7])
        self.assertEqual([i.line_id for i in items[5]], [1, 2], "oldest first")
        self.assertEqual(items[5][0].residual_currency, 0.0)
        self.assertEqual(planning.collect_items(rows[:1], None), {None: items[5]})

    def test_reference_date_ignores_credits(self):
        items = [Item(1, 1, days(-50), -20.0), item(2, 10), item(3, -5)]
        self.assertEqual(planning.reference_date(items), days(-10))
        self.assertIsNone(planning.reference_date([Item(1, 1, days(-5), -20.0)]))

    def test_covered_items_after_the_due_date(self):
        items = [item(1, 40), item(2, 10), item(3, 0), item(4, -20), Item(5, 5, days(-5), -30.0)]
        covered = planning.covered_items(items, 30, TODAY)
        self.assertEqual([i.line_id for i in covered], [1, 2], "overdue debit items only")

    def test_covered_items_of_a_pre_due_step(self):
        items = [item(1, 2), item(2, -5), item(3, -6)]
        covered = planning.covered_items(items, -5, TODAY)
        self.assertEqual([i.line_id for i in covered], [1, 2])

    def test_dunnable_amount(self):
        items = [item(1, 10, 100), item(2, -3, 40), item(3, -30, 500)]
        self.assertEqual(planning.dunnable_amount(items, TODAY, STEPS), 140)
        self.assertEqual(planning.dunnable_amount(items, TODAY, STEPS[1:]), 100)

    def test_dunnable_amount_net_of_credits(self):
        items = [item(1, 10, 100), Item(2, 2, TODAY, -100.0), item(3, -40, 500)]
        self.assertEqual(planning.dunnable_amount(items, TODAY, STEPS), 0)
        items[1] = Item(2, 2, TODAY, -30.0)
        self.assertEqual(planning.dunnable_amount(items, TODAY, STEPS), 70)

    def test_dunnable_amount_within_horizon(self):
        items = [item(1, -10, 100)]
        self.assertEqual(planning.dunnable_amount(items, TODAY, STEPS), 0)
        self.assertEqual(planning.dunnable_amount(items, TODAY, STEPS, horizon=5), 100)
        self.assertEqual(planning.dunnable_amount(items, TODAY, STEPS[1:], horizon=15), 0)

    def test_customer_figures(self):
        items = [item(1, 12, 100), item(2, 3, 50), item(3, -20, 400), Item(4, 4, TODAY, -10.0)]
        figures = planning.customer_figures(items, 540, TODAY)
        self.assertEqual(
            figures,
            {
                "dunning_total_due": 540,
                "dunning_overdue_amount": 150,
                "dunning_oldest_due_date": days(-12),
                "dunning_days_overdue": 12,
                "dunning_not_due_amount": 400,
            },
        )

    def test_action_amounts(self):
        amounts = planning.action_amounts([item(1, 12, 100), item(2, -2, 50)], TODAY)
        self.assertEqual(amounts["amount_due"], 150)
        self.assertEqual(amounts["amount_overdue"], 100)
        self.assertEqual(amounts["oldest_due_date"], days(-12))
        self.assertEqual(amounts["days_overdue"], 12)

    def test_episode_start(self):
        self.assertEqual(planning.episode_start(STEPS, TODAY), days(-5))
        self.assertEqual(planning.episode_start(STEPS[1:], TODAY), TODAY)
