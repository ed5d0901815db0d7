import { Component } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * One coloured square per alert matching the customer, the alert's name as
 * tooltip. Read-only: alerts are computed from their criteria.
 */
export class AlertSquaresField extends Component {
    static template = "dso_dunning.AlertSquaresField";
    static props = { ...standardFieldProps };

    get squares() {
        return this.props.record.data[this.props.name].records.map((alert) => ({
            id: alert.resId,
            name: alert.data.display_name,
            color: alert.data.color || 0,
        }));
    }
}

export const alertSquaresField = {
    component: AlertSquaresField,
    displayName: _t("Alert squares"),
    supportedTypes: ["many2many"],
    relatedFields: [
        { name: "display_name", type: "char" },
        { name: "color", type: "integer" },
    ],
};

registry.category("fields").add("dso_dunning_alert_squares", alertSquaresField);
