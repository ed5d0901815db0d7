from odoo import models

# Tracked selections of an action, whose values the chatter shows as labels.
TRACKED_SELECTIONS = ("state", "outcome", "mode", "cancel_reason")


class MailTrackingValue(models.Model):
    """An action's history ("Planned → Sent") reads in the reader's language.

    Odoo stores a tracked selection as its label in the language of whoever
    changed it (the sending cron writes English); the labels of dunning
    actions are given back in the language of the one who reads them.
    """

    _inherit = "mail.tracking.value"

    def _tracking_value_format_model(self, model):
        formatted = super()._tracking_value_format_model(model)
        if model != "dso.dunning.action":
            return formatted
        relabel = self._dunning_relabel()
        trackings = {tracking.id: tracking for tracking in self}
        for values in formatted:
            labels = relabel.get(trackings[values["id"]].field_id.name)
            if labels:
                values["oldValue"] = labels.get(values["oldValue"], values["oldValue"])
                values["newValue"] = labels.get(values["newValue"], values["newValue"])
        return formatted

    def _dunning_relabel(self):
        """{field: {label in any installed language: label in the reader's}}."""
        Action = self.env["dso.dunning.action"]
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        relabel = {}
        for fname in TRACKED_SELECTIONS:
            field = Action._fields[fname]
            mine = dict(field._description_selection(self.env))
            relabel[fname] = {
                label: mine[key]
                for lang in langs
                for key, label in field._description_selection(self.with_context(lang=lang).env)
            }
        return relabel
