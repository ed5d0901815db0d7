import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import commitments

CONFIRMATION_TEMPLATE = "dso_dunning.mail_template_commitment_confirmation"


class DsoDunningCommitment(models.Model):
    """Payment plans, the confirmation to the customer and the follow-up of broken promises.

    A payment plan is paid in instalments, checked like a promise: a missed
    instalment breaks it. A promise or a plan may be confirmed to the
    customer by email (posted on the customer's thread, in the customer's
    language). When one is broken or partially kept, the collector gets a
    call on the customer at once, due after the follow-up delay of the
    "Broken promise" item status.
    """

    _inherit = "dso.dunning.commitment"  # pylint: disable=consider-merging-classes-inherited

    instalment_ids = fields.One2many(
        "dso.dunning.commitment.instalment", "commitment_id", string="Instalments", copy=True
    )
    confirmation_message_id = fields.Many2one(
        "mail.message",
        string="Confirmation Sent",
        readonly=True,
        copy=False,
        help="The confirmation emailed to the customer.",
    )
    followup_date = fields.Date(
        string="Follow-up On",
        readonly=True,
        copy=False,
        index=True,
        help="Broken or partially kept: when the collector calls the customer.",
    )
    followup_activity_id = fields.Many2one(
        "mail.activity",
        string="Follow-up Call",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The call planned on the customer for the collector when it was broken.",
    )

    @api.constrains("kind", "instalment_ids", "state")
    def _check_plan(self):
        for plan in self.filtered(lambda c: c.kind == "plan"):
            if plan.state not in commitments.RUNNING_STATES:
                continue
            if not plan.instalment_ids or any(i.amount <= 0 for i in plan.instalment_ids):
                raise ValidationError(
                    self.env._("A payment plan needs instalments, each with a positive amount.")
                )

    def write(self, vals):
        running = self.filtered(lambda c: c.state in commitments.RUNNING_STATES)
        result = super().write(vals)
        if vals.get("state") in commitments.BROKEN_STATES:
            running.filtered(lambda c: c.kind in commitments.PAYMENT_KINDS)._plan_followup()
        return result

    def action_send_confirmation(self):
        """Email the customer what they committed to: items, amount, date(s)."""
        template = self.env.ref(CONFIRMATION_TEMPLATE)
        for commitment in self:
            if commitment.kind not in commitments.PAYMENT_KINDS:
                raise UserError(self.env._("Only a promise or a payment plan can be confirmed."))
            contact = commitment.partner_id.dunning_contact_id or commitment.partner_id
            if not contact.email:
                raise UserError(
                    self.env._(
                        "No email address on %(contact)s: add one on the customer card, then "
                        "send the confirmation.",
                        contact=contact.display_name,
                    )
                )
            # sudo: the template lists the items, which a collector may not read
            rendered = {
                name: template.sudo()._render_field(name, commitment.ids, compute_lang=True)[
                    commitment.id
                ]
                for name in ("subject", "body_html", "email_from")
            }
            # sudo: a collector may not write the customer, yet posts on its thread
            # (as the reminders do); the author stays the user.
            message = commitment.partner_id.sudo().message_post(
                body=rendered["body_html"],
                subject=rendered["subject"],
                email_from=rendered["email_from"] or None,
                partner_ids=contact.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            commitment.confirmation_message_id = message
            commitment.message_post(
                body=self.env._("Confirmation emailed to %(contact)s.", contact=contact.name)
            )
        return True

    def _plan_followup(self):
        """A call on the customer for the collector, due after the broken status's delay."""
        status = self.env.ref(
            commitments.ITEM_STATUS_XMLIDS["promise", "broken"], raise_if_not_found=False
        )
        date = fields.Date.context_today(self) + datetime.timedelta(
            days=status.followup_days if status else 0
        )
        for commitment in self.sudo():
            partner = commitment.partner_id
            collector = partner._dunning_collector(commitment.company_id) or commitment.create_uid
            if commitment.kind == "plan":
                summary = self.env._("Broken payment plan: call %(name)s", name=partner.name)
            else:
                summary = self.env._("Broken promise: call %(name)s", name=partner.name)
            activity = partner.activity_schedule(
                "mail.mail_activity_data_call",
                date_deadline=date,
                summary=summary,
                note=commitment.item_summary,
                user_id=collector.id,
            )
            commitment.write({"followup_date": date, "followup_activity_id": activity.id})
