from odoo import api, fields, models

from ..tools import commitments

FIRST_REMINDER_TEMPLATE = "dso_dunning.mail_template_dunning_first"


class DsoDunningScenario(models.Model):
    """The follow-ups of commitments: one archived scenario per company.

    A broken promise or payment plan is followed up by a dunning action in
    the agenda, outside the customer's scenario: the planner neither
    refreshes nor cancels it (it plans the customer's scenario beside it).
    Its steps, one per channel and mode of the item statuses' follow-ups,
    are made the first time they are needed.
    """

    _inherit = "dso.dunning.scenario"  # pylint: disable=consider-merging-classes-inherited

    commitment_followup = fields.Boolean(
        string="Commitment Follow-ups",
        readonly=True,
        copy=False,
        help="Holds the follow-ups of broken promises and payment plans; never assigned to "
        "customers.",
    )

    @api.model
    def _commitment_followup_step(self, company, channel, mode):
        """The step of ``company``'s follow-up scenario for ``channel`` and ``mode``
        (made if missing, with its names in the installed languages)."""
        Scenario = self.sudo().with_context(active_test=False, lang="en_US")
        scenario = Scenario.search(
            [("company_id", "=", company.id), ("commitment_followup", "=", True)], limit=1
        )
        if not scenario:
            scenario = Scenario.create(
                {
                    "name": "Commitment follow-ups",
                    "company_id": company.id,
                    "commitment_followup": True,
                    "never_dun": True,
                    "active": False,
                }
            )
            self._translate(scenario, "name", lambda env: env._("Commitment follow-ups"))
        template = self.env.ref(FIRST_REMINDER_TEMPLATE, raise_if_not_found=False)
        if channel == "email" and not template:
            channel = "call"  # the reminder template was deleted: the collector calls instead
        if channel != "email":
            mode = "manual"  # a call or a task is made by someone, whatever the status says
        field = commitments.FOLLOWUP_STEP_CHANNELS[channel]
        step = scenario.step_ids.filtered(lambda s: s[field] and s.mode == mode)[:1]
        if step:
            return step
        # never planned, yet ordered as any scenario's steps must be
        last = scenario.step_ids.sorted(lambda s: (s.sequence, s.id))[-1:]
        vals = {
            "scenario_id": scenario.id,
            "mode": mode,
            field: True,
            "name": channel,
            "sequence": last.sequence + 1 if last else 1,
            "offset_days": last.offset_days + 1 if last else 0,
        }
        if channel == "email":
            vals["mail_template_id"] = template.id
        step = self.env["dso.dunning.step"].sudo().with_context(lang="en_US").create(vals)
        self._translate(step, "name", lambda env: self._followup_step_name(env, channel))
        return step

    @api.model
    def _followup_step_name(self, env, channel):
        names = {
            "call": env._("Call after a broken commitment"),
            "task": env._("Task after a broken commitment"),
            "email": env._("Email after a broken commitment"),
        }
        return names[channel]

    @api.model
    def _translate(self, record, fname, text):
        """Write ``fname`` of ``record`` in every installed language (``text(env)``)."""
        record[fname] = text(record.with_context(lang="en_US").env)
        translations = {
            code: text(record.with_context(lang=code).env)
            for code, _name in self.env["res.lang"].get_installed()
            if code != "en_US"
        }
        if translations:
            record.update_field_translations(fname, translations)
