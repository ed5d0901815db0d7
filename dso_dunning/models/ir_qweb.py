from lxml import etree

from odoo import models

MEMO_KEY = "dso_dunning_qweb_memo"


class IrQweb(models.AbstractModel):
    """Compile an inline template once per dunning batch, not once per record.

    ``mail.render.mixin._render_template_qweb`` parses the template source
    again for each record, and QWeb never caches the compilation of a parsed
    element: a batch of 50 emails compiled the same body 50 times. With the
    context key ``dso_dunning_qweb_memo`` (a dict, set by the sending service
    for one batch) the compiled code is reused for the same source and the
    same compilation context.
    """

    _inherit = "ir.qweb"

    def _compile(self, template):
        memo = self.env.context.get(MEMO_KEY)
        if memo is None or not isinstance(template, etree._Element):
            return super()._compile(template)
        key = (
            etree.tostring(template),
            tuple(self.env.context.get(k) for k in self._get_template_cache_keys()),
            self.env.context.get("raise_on_forbidden_code_for_model"),
        )
        if key not in memo:
            memo[key] = super()._compile(template)
        return memo[key]
