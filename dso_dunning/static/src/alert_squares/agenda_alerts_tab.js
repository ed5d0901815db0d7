import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";

// The "My alerts" tab of the dunning agenda: the alerts (mine and shared)
// with their counts; clicking one opens its customers.
registry.category("dso_dunning.agenda_tabs").add("alerts", {
    sequence: 60,
    label: _t("My alerts"),
    icon: "fa-bell",
    action: "dso_dunning.dso_dunning_alert_action",
});
