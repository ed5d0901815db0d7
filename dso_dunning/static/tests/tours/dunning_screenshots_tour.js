import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";
import { menu, subMenu } from "@dso_dunning/../tests/tours/utils/dunning_tour_steps";

// One tour through the pages shown in the README. On each page it logs
// "dso-screenshot:<name>" and waits until the test suite (TestDemo in
// tests/test_demo.py) has captured the browser and marked the page body.
const tours = registry.category("web_tour.tours");
const openApp = () =>
    stepUtils.goToAppSteps("dso_dunning.dso_dunning_menu_root", "Open the Dunning app");
const screenshot = (name) => [
    {
        content: `Screenshot ${name}`,
        trigger: "body",
        run() {
            console.log(`dso-screenshot:${name}`);
        },
    },
    {
        content: `Screenshot ${name} taken`,
        trigger: `body[data-dso-screenshot='${name}']`,
    },
];
const countersLoaded = {
    content: "The counters are loaded",
    trigger: ".o_dunning_counter_scheduled:not(:contains(…)) ~ .o_dunning_counter_todo:not(:contains(…))",
};

tours.add("dso_dunning_screenshots", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        {
            content: "A credit manager lands on the cockpit",
            trigger: ".o_breadcrumb:contains(Cockpit)",
        },
        {
            trigger: ".o_kanban_record:contains(DSO (Countback)):contains(days)",
        },
        ...screenshot("cockpit"),
        menu("dso_dunning_menu_reporting"),
        subMenu("dso_dunning_menu_kpi_dso"),
        {
            trigger: ".o_breadcrumb:contains(DSO Trend)",
        },
        {
            content: "The chart is drawn and its animation over (the points rise from zero)",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
            async run() {
                await new Promise((resolve) => setTimeout(resolve, 1500));
            },
        },
        ...screenshot("dso_trend"),
        menu("dso_dunning_menu_agenda"),
        subMenu("dso_dunning_menu_agenda_automatic"),
        {
            trigger: ".o_breadcrumb:contains(Automatic Actions)",
        },
        {
            content: "Late and not confirmed: red",
            trigger: ".o_list_view .o_data_row.text-danger",
        },
        {
            content: "Confirmed: green",
            trigger: ".o_list_view .o_data_row.text-success",
        },
        {
            content: "In error: yellow",
            trigger: ".o_list_view .o_data_row.text-warning",
        },
        countersLoaded,
        ...screenshot("agenda_automatic"),
        menu("dso_dunning_menu_customers"),
        {
            trigger: ".o_breadcrumb:contains(Customers)",
        },
        {
            content: "A customer matching two alerts shows two squares",
            trigger: ".o_list_view .o_data_row:contains(Atelier Dubois) .o_dso_alert_square + .o_dso_alert_square",
        },
        ...screenshot("customers_alerts"),
        menu("dso_dunning_menu_config"),
        subMenu("dso_dunning_menu_scenarios"),
        {
            trigger: ".o_list_view .o_data_row td[name=name]:contains(Standard)",
            run: "click",
        },
        {
            content: "The steps of the standard scenario",
            trigger: ".o_form_view .o_field_widget[name=step_ids] .o_data_row:contains(Formal notice letter)",
        },
        ...screenshot("scenario_form"),
        menu("dso_dunning_menu_agenda"),
        subMenu("dso_dunning_menu_agenda_history"),
        {
            trigger: ".o_breadcrumb:contains(History)",
        },
        {
            content: "Sent actions are listed",
            trigger: ".o_list_view .o_data_row:contains(Sent)",
        },
        {
            content: "Next to the export button",
            trigger: ".o_dunning_export_xlsx",
        },
        ...screenshot("history_export"),
    ],
});
