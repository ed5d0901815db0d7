from odoo import api, models
from odoo.exceptions import UserError


class MailTemplate(models.Model):
    """A template a dunning step sends cannot disappear under it."""

    _inherit = "mail.template"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_dunning_step(self):
        steps = (
            self.env["dso.dunning.step"]
            .sudo()
            .with_context(active_test=False)
            .search([("mail_template_id", "in", self.ids)], limit=1)
        )
        if steps:
            raise UserError(
                self.env._(
                    "Template “%(template)s” is used by the dunning step “%(step)s” of "
                    "scenario “%(scenario)s”: choose another template there first.",
                    template=steps.mail_template_id.name,
                    step=steps.name,
                    scenario=steps.scenario_id.name,
                )
            )
