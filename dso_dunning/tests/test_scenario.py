import contextlib

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DunningPlanningCase


@tagged("post_install", "-at_install")
class TestScenario(DunningPlanningCase):
    """Configuring scenarios: copies and the sentences a wrong step gets."""

    @contextlib.contextmanager
    def assertInvalid(self, sentence):
        """The save is refused with a ValidationError containing ``sentence``."""
        with self.assertRaises(ValidationError) as caught:  # rolls the save back
            yield
        self.assertIn(sentence, str(caught.exception))

    def _add_step(self, **vals):
        return self.env["dso.dunning.step"].create(
            {
                "scenario_id": self.scenario.id,
                "name": "Extra",
                "sequence": 50,
                "offset_days": 60,
                "channel_call": True,
                "mode": "manual",
                **vals,
            }
        )

    def test_duplicate_scenario_copies_its_steps(self):
        copy = self.scenario.copy()
        self.assertEqual(copy.name, "Test scenario (copy)")
        self.assertEqual(len(copy.step_ids), 4)
        self.assertFalse(copy.step_ids & self.scenario.step_ids)
        self.assertEqual(copy.step_ids.mapped("offset_days"), [-5, 7, 15, 30])
        self.assertEqual(copy.step_ids.mapped("name"), self.scenario.step_ids.mapped("name"))
        self.assertEqual(copy.step_ids[1].mail_template_id, self.mail_template)
        self.assertEqual(len(self.scenario.step_ids), 4, "the original keeps its steps")

    def test_step_without_channel(self):
        with self.assertInvalid("“Extra” has no channel: tick at least one"):
            self._add_step(channel_call=False)

    def test_automatic_email_step_without_template(self):
        with self.assertInvalid("“Extra” sends emails automatically: choose its email template"):
            self._add_step(channel_call=False, channel_email=True, mode="automatic")
        with self.assertInvalid("choose its email template"):
            self._add_step(channel_email=True, mode="to_confirm")
        manual = self._add_step(channel_email=True, mode="manual")
        self.assertFalse(manual.mail_template_id, "a collector writes manual emails")

    def test_offsets_must_increase(self):
        with self.assertInvalid("“Extra” comes after a step with the same or a later offset"):
            self._add_step(offset_days=30)
        with self.assertInvalid("offsets counted from the due date"):
            self.step_first.offset_days = 40

    def test_previous_action_step_cannot_be_first(self):
        with self.assertInvalid(
            "“Extra” is counted from the previous action but is the first step",
        ):
            self._add_step(sequence=1, offset_reference="previous_action", offset_days=5)

    def test_previous_action_step_offset_not_negative(self):
        with self.assertInvalid("“Extra” is counted from the previous action: its offset cannot"):
            self._add_step(offset_reference="previous_action", offset_days=-3)
        step = self._add_step(offset_reference="previous_action", offset_days=10)
        self.assertEqual(step.offset_reference, "previous_action")

    def test_offset_out_of_range(self):
        with self.assertInvalid("an offset of 4000 days is out of range"):
            self._add_step(offset_days=4000)
        with self.assertInvalid("an offset of -4000 days is out of range"):
            self._add_step(sequence=1, offset_days=-4000)

    def test_valid_scenario_in_one_create(self):
        scenario = self.env["dso.dunning.scenario"].create(
            {
                "name": "Calls only",
                "company_id": self.company.id,
                "step_ids": [
                    Command.create(
                        {"name": "Call", "offset_days": 10, "channel_call": True, "mode": "manual"}
                    ),
                    Command.create(
                        {
                            "name": "Call again",
                            "sequence": 20,
                            "offset_days": 7,
                            "offset_reference": "previous_action",
                            "channel_call": True,
                            "mode": "manual",
                        }
                    ),
                ],
            }
        )
        self.assertEqual(scenario.step_count, 2)
        self.assertEqual(scenario.step_ids[0].channel_summary, "Phone Call")
