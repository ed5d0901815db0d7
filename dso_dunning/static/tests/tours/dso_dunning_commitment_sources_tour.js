import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const row = (step) => `.o_list_view .o_data_row:contains(Qualify Tour SA):contains(${step})`;
const REPLY = ".o_list_view .o_data_row:contains(Reply Tour SA)";
const select = (step) => ({
    content: `Select the ${step} of the customer`,
    trigger: `${row(step)} td.o_list_record_selector input[type=checkbox]`,
    run: "click",
});

registry.category("web_tour.tours").add("dso_dunning_commitment_sources", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dso_dunning.dso_dunning_menu_root", "Open the Dunning app"),
        {
            content: "The collector lands on the manual actions",
            trigger: ".o_breadcrumb:contains(Manual Actions)",
        },
        select("Qualify Call"),
        select("Qualify Task"),
        {
            content: "Open the action menu of the selection",
            trigger: ".o_cp_action_menus button:contains(Actions)",
            run: "click",
        },
        {
            trigger: ".o-dropdown-item:contains(Promise or Dispute)",
            run: "click",
        },
        {
            content: "The wizard lists the items of both actions",
            trigger: ".modal .o_field_one2many .o_data_row:contains(250.00)",
        },
        {
            trigger: ".modal .o_field_one2many .o_data_row:contains(400.00)",
        },
        {
            content: "Qualify them as a dispute",
            trigger: ".modal .o_field_widget[name=kind] input[data-value=dispute]",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=dispute_type_id] input",
            run: "edit Quality",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Quality)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=comment] textarea",
            run: "edit Broken on delivery",
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "The dispute is recorded and shown",
            trigger: ".o_breadcrumb:contains(Dispute - Qualify Tour SA)",
        },
        {
            content: "Go to the replies",
            trigger: ".o_main_navbar [data-menu-xmlid='dso_dunning.dso_dunning_menu_agenda']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='dso_dunning.dso_dunning_menu_agenda_replies']",
            run: "click",
        },
        {
            content: "Qualify the customer's reply",
            trigger: `${REPLY} button[name=action_open_qualify]`,
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=qualification] input",
            run: "click",
        },
        {
            trigger: ".o_select_menu_item:contains(Dispute)",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name=dispute_type_id] input",
            run: "edit Price",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Price)",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_apply_qualification]",
            run: "click",
        },
        {
            content: "The dialog closes on the replies (the test checks the dispute)",
            trigger: "body:not(:has(.modal)) .o_breadcrumb:contains(Replies)",
        },
    ],
});

registry.category("web_tour.tours").add("dso_dunning_commitment_invoice", {
    steps: () => [
        {
            content: "The collector opens the customer's invoice",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains(Invoice Tour SA)",
        },
        {
            trigger: ".o_statusbar_buttons button:contains(Promise or Dispute)",
            run: "click",
        },
        {
            content: "The wizard lists the invoice's item",
            trigger: ".modal .o_field_one2many .o_data_row:contains(640.00)",
        },
        {
            trigger: ".modal .o_field_widget[name=kind] input[data-value=dispute]",
            run: "click",
        },
        {
            content: "The salesperson of the invoice is proposed as resolver",
            trigger: ".modal .o_field_widget[name=resolver_id] input:value(Sam Salesman)",
        },
        {
            trigger: ".modal .o_field_widget[name=dispute_type_id] input",
            run: "edit Price",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Price)",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "The dispute is recorded and shown",
            trigger: ".o_breadcrumb:contains(Dispute - Invoice Tour SA)",
        },
    ],
});
