import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const SQUARE = ".o_dso_alert_square[title='Tour big debt']";

registry.category("web_tour.tours").add("dso_dunning_alert", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dso_dunning.dso_dunning_menu_root", "Open the Dunning app"),
        {
            content: "A credit manager lands on the cockpit",
            trigger: ".o_breadcrumb:contains(Cockpit)",
        },
        {
            content: "Open the agenda",
            trigger: ".o_main_navbar [data-menu-xmlid='dso_dunning.dso_dunning_menu_agenda']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='dso_dunning.dso_dunning_menu_agenda_manual']",
            run: "click",
        },
        {
            content: "The agenda opens on its manual actions",
            trigger: ".o_breadcrumb:contains(Manual Actions)",
        },
        {
            content: "Open the My alerts tab of the agenda",
            trigger: ".o_dunning_tab_alerts",
            run: "click",
        },
        {
            content: "The alerts list is shown",
            trigger: ".o_breadcrumb:contains(My Alerts)",
        },
        {
            content: "Create an alert",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "The alert form opens",
            trigger: ".o_form_view .o_field_widget[name='overdue_min']",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Tour big debt",
        },
        {
            content: "Customers with at least 600 overdue",
            trigger: ".o_field_widget[name='overdue_min'] input",
            run: "edit 600",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The alert is saved",
            trigger: ".o_breadcrumb:contains(Tour big debt)",
        },
        {
            content: "The alert counts its customer",
            trigger: ".o_form_view .oe_stat_button:contains(Customers):contains(1)",
        },
        {
            content: "Go to the customers",
            trigger: ".o_main_navbar [data-menu-xmlid='dso_dunning.dso_dunning_menu_customers']",
            run: "click",
        },
        {
            content: "The customers list is shown",
            trigger: ".o_breadcrumb:contains(Customers)",
        },
        {
            content: "The customer shows the alert's square",
            trigger: `.o_list_view .o_data_row:contains(Tour Alert Customer) ${SQUARE}`,
        },
        {
            content: "Go to the agenda",
            trigger: ".o_main_navbar [data-menu-xmlid='dso_dunning.dso_dunning_menu_agenda']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='dso_dunning.dso_dunning_menu_agenda_manual']",
            run: "click",
        },
        {
            content: "The manual actions tab is shown",
            trigger: ".o_breadcrumb:contains(Manual Actions)",
        },
        {
            content: "The customer's call shows the square too",
            trigger: `.o_list_view .o_data_row:contains(Tour Alert Customer) ${SQUARE}`,
        },
        {
            content: "Back to the My alerts tab",
            trigger: ".o_dunning_tab_alerts",
            run: "click",
        },
        {
            content: "The alerts list is shown again",
            trigger: ".o_breadcrumb:contains(My Alerts)",
        },
        {
            content: "Open the alert's customers",
            trigger: ".o_list_view .o_data_row td[name='name']:contains(Tour big debt)",
            run: "click",
        },
        {
            content: "Only its customer is listed",
            trigger: ".o_breadcrumb:contains(Tour big debt)",
        },
        {
            content: "Its customer is listed, not the small one",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Tour Small Customer))) .o_data_row:contains(Tour Alert Customer)",
        },
    ],
});
