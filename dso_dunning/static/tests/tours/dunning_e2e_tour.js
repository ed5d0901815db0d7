import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";
import { menu, subMenu } from "@dso_dunning/../tests/tours/utils/dunning_tour_steps";

// The whole flow of a credit manager: configure a step, plan, confirm, send,
// read the history, export it, create an alert and see its square.
const CUSTOMER = "E2E Customer SA";
const STEP = "E2E email reminder";
const ALERT = "E2E big debt";
const row = (name) => `.o_list_view .o_data_row:contains(${name})`;
const stepRow = ".o_field_widget[name=step_ids] .o_selected_row";


registry.category("web_tour.tours").add("dso_dunning_e2e", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dso_dunning.dso_dunning_menu_root", "Open the Dunning app"),
        {
            content: "A credit manager lands on the cockpit",
            trigger: ".o_breadcrumb:contains(Cockpit)",
        },
        {
            trigger: ".o_main_navbar [data-menu-xmlid='dso_dunning.dso_dunning_menu_agenda']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='dso_dunning.dso_dunning_menu_agenda_manual']",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains(Manual Actions)",
        },
        // 1. Configure the scenario: add an email step to confirm.
        {
            content: "Open the scenarios",
            ...menu("dso_dunning_menu_config"),
        },
        subMenu("dso_dunning_menu_scenarios"),
        {
            content: "Open the customer's scenario",
            trigger: `${row("E2E scenario")} td[name=name]`,
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=step_ids] .o_data_row:contains(Courtesy call)",
        },
        {
            content: "Add a step",
            trigger: ".o_field_widget[name=step_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: `${stepRow} .o_field_widget[name=name] input`,
            run: `edit ${STEP}`,
        },
        {
            content: "Five days after the due date",
            trigger: `${stepRow} .o_field_widget[name=offset_days] input`,
            run: "edit 5",
        },
        {
            content: "By email",
            trigger: `${stepRow} .o_field_widget[name=channel_email] input`,
            run: "click",
        },
        {
            content: "Automatic to confirm",
            trigger: `${stepRow} .o_field_widget[name=mode] input`,
            run: "click",
        },
        {
            trigger: ".o_select_menu_item:contains(Automatic to confirm)",
            run: "click",
        },
        {
            content: "With the first reminder template",
            trigger: `${stepRow} .o_field_widget[name=mail_template_id] input`,
            run: "edit first reminder",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Dunning: first reminder)",
            run: "click",
        },
        {
            trigger: `${stepRow} .o_field_widget[name=mail_template_id] input:value(Dunning: first reminder)`,
        },
        {
            content: "Save the scenario",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The step is saved in automatic-to-confirm mode",
            trigger: `.o_form_saved .o_field_widget[name=step_ids] .o_data_row:contains(${STEP}):contains(Automatic to confirm)`,
        },
        // 2. Plan the customer now, from its card.
        {
            content: "Go to the customers",
            ...menu("dso_dunning_menu_customers"),
        },
        {
            trigger: ".o_breadcrumb:contains(Customers)",
        },
        {
            content: "Not planned yet: remove the Overdue filter to find the customer",
            trigger: ".o_searchview_facet:contains(Overdue) .o_facet_remove",
            run: "click",
        },
        {
            trigger: `${row(CUSTOMER)} td[name=display_name]`,
            run: "click",
        },
        {
            content: "Open the Dunning tab of the customer",
            trigger: ".o_form_view .o_notebook a.nav-link:contains(Dunning)",
            run: "click",
        },
        {
            content: "Plan this customer now",
            trigger: ".o_form_view button[name=action_dunning_plan]",
            run: "click",
        },
        {
            content: "The new email step is planned",
            trigger: `${row(CUSTOMER)}:contains(${STEP})`,
        },
        // 3. The agenda: colour and counters.
        {
            content: "Open the automatic actions of the agenda",
            ...menu("dso_dunning_menu_agenda"),
        },
        subMenu("dso_dunning_menu_agenda_automatic"),
        {
            trigger: ".o_breadcrumb:contains(Automatic Actions)",
        },
        {
            content: "Filter on the customer",
            trigger: ".o_searchview_input",
            run: `edit ${CUSTOMER}`,
        },
        {
            trigger: ".o_searchview_autocomplete .o-dropdown-item:contains(Search Customer for)",
            run: "click",
        },
        {
            trigger: `.o_searchview .o_facet_value:contains(${CUSTOMER})`,
        },
        {
            content: "Due today and not confirmed: red",
            trigger: `${row(CUSTOMER)}.text-danger:contains(${STEP})`,
        },
        {
            content: "Counters for this customer: 1 scheduled, 1 to do",
            trigger: ".o_dunning_counter_scheduled:contains(1 scheduled)",
        },
        {
            trigger: ".o_dunning_counter_todo:contains(1 to do)",
        },
        // 4. Confirm, then send now.
        {
            content: "Confirm it",
            trigger: `${row(CUSTOMER)} button[name=action_confirm]`,
            run: "click",
        },
        {
            content: "Confirmed: green",
            trigger: `${row(CUSTOMER)}.text-success`,
        },
        {
            content: "Send it now",
            trigger: `${row(CUSTOMER)} button[name=action_send_now]`,
            run: "click",
        },
        {
            content: "Sent: it leaves the automatic actions",
            trigger: `.o_list_view:not(:has(.o_data_row:contains(${CUSTOMER})))`,
        },
        {
            trigger: ".o_dunning_counter_scheduled:contains(0 scheduled)",
        },
        // 5. History and export.
        {
            content: "Go to the history",
            trigger: ".o_dunning_tab_history",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains(History)",
        },
        {
            content: "The customer filter is still applied",
            trigger: `.o_searchview .o_facet_value:contains(${CUSTOMER})`,
        },
        {
            content: "The email is in the history, sent",
            trigger: `${row(CUSTOMER)}:contains(${STEP}):contains(Sent)`,
        },
        {
            content: "Export the history",
            trigger: ".o_dunning_export_xlsx",
            run: "click",
        },
        {
            trigger: ".o_list_view:not(:has(.o_error_dialog))",
        },
        // 6. An alert and its square.
        {
            content: "Open my alerts",
            trigger: ".o_dunning_tab_alerts",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains(My Alerts)",
        },
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: `edit ${ALERT}`,
        },
        {
            content: "Customers with at least 500 overdue",
            trigger: ".o_field_widget[name=overdue_min] input",
            run: "edit 500",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The alert is saved",
            trigger: `.o_breadcrumb:contains(${ALERT})`,
        },
        {
            content: "The alert finds the customer",
            trigger: ".oe_stat_button:contains(Customers):contains(1)",
        },
        {
            content: "Back to the customers",
            ...menu("dso_dunning_menu_customers"),
        },
        {
            trigger: ".o_breadcrumb:contains(Customers)",
        },
        {
            content: "The customer shows the alert's square",
            trigger: `${row(CUSTOMER)} .o_dso_alert_square[title='${ALERT}']`,
        },
    ],
});
