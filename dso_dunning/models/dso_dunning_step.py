from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import planning

CHANNELS = ("channel_email", "channel_sms", "channel_letter", "channel_call", "channel_task")
MAX_OFFSET = planning.MAX_OFFSET


class DsoDunningStep(models.Model):
    """One step of a scenario: when, through which channels, in which mode."""

    _name = "dso.dunning.step"
    _description = "Dunning Step"
    _order = "scenario_id, sequence, id"
    _check_company_auto = True

    scenario_id = fields.Many2one(
        "dso.dunning.scenario", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="scenario_id.company_id", store=True, index=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    offset_days = fields.Integer(
        string="Offset (days)",
        help="Days after the reference date (negative: before the due date).",
    )
    offset_reference = fields.Selection(
        [
            (planning.REF_DUE_DATE, "Due date of the oldest overdue item"),
            (planning.REF_PREVIOUS_ACTION, "Date of the previous action"),
        ],
        string="Counted From",
        required=True,
        default=planning.REF_DUE_DATE,
    )
    channel_email = fields.Boolean(string="Email")
    channel_sms = fields.Boolean(string="SMS")
    channel_letter = fields.Boolean(string="Letter")
    channel_call = fields.Boolean(string="Phone Call")
    channel_task = fields.Boolean(string="Other Task")
    channel_summary = fields.Char(string="Channels", compute="_compute_channel_summary")
    mode = fields.Selection(
        [
            ("manual", "Manual"),
            ("automatic", "Automatic"),
            ("to_confirm", "Automatic to confirm"),
        ],
        required=True,
        default="automatic",
        help="Manual: a collector does it. Automatic: sent on its date. "
        "Automatic to confirm: sent once someone has confirmed it.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email Template",
        domain=[("model", "=", "dso.dunning.action")],
        ondelete="restrict",
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="SMS Template",
        domain=[("model", "=", "dso.dunning.action")],
        ondelete="restrict",
    )
    letter_report_id = fields.Many2one(
        "ir.actions.report",
        string="Letter Template",
        domain=[("model", "=", "dso.dunning.action")],
        ondelete="restrict",
    )
    min_amount = fields.Float(
        string="Minimum Amount",
        digits="Account",
        help="Skip this step for customers owing less (company currency).",
    )
    help_text = fields.Char(string="Help", translate=True)
    letter_body = fields.Html(
        translate=True, help="Text of the letter, above the statement of overdue items."
    )
    statement_not_due = fields.Boolean(
        string="List Items Not Yet Due",
        help="The statement in the message also lists the items not yet due.",
    )
    statement_credits = fields.Boolean(
        string="List Credit Notes",
        help="The statement in the message also lists credit notes and unmatched payments.",
    )
    attach_invoices = fields.Boolean(help="Attach the PDF of the invoices the email lists.")

    @api.depends(*CHANNELS)
    def _compute_channel_summary(self):
        labels = {name: self._fields[name].get_description(self.env)["string"] for name in CHANNELS}
        for step in self:
            step.channel_summary = ", ".join(labels[name] for name in CHANNELS if step[name])

    @api.constrains("scenario_id", *CHANNELS)
    def _check_channels(self):
        for step in self:
            if not any(step[name] for name in CHANNELS):
                raise ValidationError(
                    self.env._(
                        "Step “%(step)s” has no channel: tick at least one of Email, SMS, "
                        "Letter, Phone Call or Other Task.",
                        step=step.name,
                    )
                )

    @api.constrains("offset_days")
    def _check_offset_days(self):
        for step in self:
            if abs(step.offset_days) > MAX_OFFSET:
                raise ValidationError(
                    self.env._(
                        "Step “%(step)s”: an offset of %(days)s days is out of range; "
                        "use a value between -%(max)s and %(max)s.",
                        step=step.name,
                        days=step.offset_days,
                        max=MAX_OFFSET,
                    )
                )

    @api.constrains("mode", "channel_email", "channel_sms", "mail_template_id", "sms_template_id")
    def _check_templates(self):
        for step in self.filtered(lambda s: s.mode != "manual"):
            if step.channel_email and not step.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "Step “%(step)s” sends emails automatically: choose its email template.",
                        step=step.name,
                    )
                )
            if step.channel_sms and not step.sms_template_id:
                raise ValidationError(
                    self.env._(
                        "Step “%(step)s” sends text messages automatically: "
                        "choose its SMS template.",
                        step=step.name,
                    )
                )

    @api.constrains("sequence", "offset_days", "offset_reference", "scenario_id")
    def _check_order(self):
        for scenario in self.scenario_id:
            problems = planning.check_steps(scenario.step_ids._to_rules())
            if not problems:
                continue
            kind, rule = problems[0]
            step = self.browse(rule.id)
            messages = {
                "order": self.env._(
                    "Step “%(step)s” comes after a step with the same or a later offset: "
                    "in a scenario, offsets counted from the due date must increase from one "
                    "step to the next.",
                    step=step.name,
                ),
                "first_previous": self.env._(
                    "Step “%(step)s” is counted from the previous action but is the first step: "
                    "count it from the due date.",
                    step=step.name,
                ),
                "negative_previous": self.env._(
                    "Step “%(step)s” is counted from the previous action: its offset cannot "
                    "be negative.",
                    step=step.name,
                ),
            }
            raise ValidationError(messages[kind])

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        Action = self.env["dso.dunning.action"].sudo()
        for step in self:
            if Action.search_count([("step_id", "=", step.id)], limit=1):
                raise UserError(
                    self.env._(
                        "Step “%(step)s” has dunning actions: it cannot be deleted. Archive its "
                        "scenario and create a new one instead.",
                        step=step.name,
                    )
                )

    def _to_rules(self):
        """Planning rules of these steps; ``sequence`` is the step's rank."""
        ordered = self.sorted(lambda s: (s.sequence, s.id))
        return [
            planning.StepRule(
                id=step.id,
                sequence=rank,
                offset=step.offset_days,
                reference=step.offset_reference,
                min_amount=step.min_amount,
            )
            for rank, step in enumerate(ordered)
        ]
