from odoo import models


class MailActivity(models.Model):
    """Marking a dunning call or task done marks its action done."""

    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        actions = self.env["dso.dunning.action"]
        if not self.env.context.get("dunning_activity_sync"):
            ids = [a.res_id for a in self if a.res_model == "dso.dunning.action"]
            actions = actions.browse(ids).exists()
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        actions._mark_done()
        return result
