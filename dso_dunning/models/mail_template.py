from odoo import api, models
from odoo.exceptions import UserError

from ..tools.sending import memoized

FORMAT_MEMO_KEY = "dso_dunning_format_memo"
MEMOIZED_HELPERS = ("format_date", "format_amount")


class MailTemplate(models.Model):
    """A template a dunning step sends cannot disappear under it; a batch of
    dunning emails formats each date and amount once."""

    _inherit = "mail.template"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_dunning_step(self):
        # Steps only take templates of actions (their field's domain; the
        # foreign key still refuses any other). Odoo read the templates just
        # before (unlink_action): deleting another template costs no query.
        templates = self.filtered(lambda t: t.model == "dso.dunning.action")
        if not templates:
            return
        steps = (
            self.env["dso.dunning.step"]
            .sudo()
            .with_context(active_test=False)
            .search([("mail_template_id", "in", templates.ids)], limit=1)
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

    def _render_eval_context(self):
        """With the context key ``dso_dunning_format_memo`` (a dict, set by the
        sending service for one batch), ``format_date`` and ``format_amount``
        answer repeated values from it: a batch of statements formats the same
        due dates and amounts again and again, and each call parses the
        language's locale anew. The results only depend on the arguments and
        the language, which is part of the key."""
        context = super()._render_eval_context()
        memo = self.env.context.get(FORMAT_MEMO_KEY)
        if memo is not None:
            for name in MEMOIZED_HELPERS:
                helper_memo = memo.setdefault((name, self.env.lang), {})
                context[name] = memoized(context[name], helper_memo)
        return context
