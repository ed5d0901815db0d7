import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";
import { menu, subMenu } from "@dso_dunning/../tests/tours/utils/dunning_tour_steps";

// Tours that stop on the pages shown in the README: the test suite captures
// the browser when each tour ends (TestDemo in tests/test_demo.py).
const tours = registry.category("web_tour.tours");
const openApp = () =>
    stepUtils.goToAppSteps("dso_dunning.dso_dunning_menu_root", "Open the Dunning app");
const countersLoaded = {
    content: "The counters are loaded",
    trigger: ".o_dunning_counter_scheduled:not(:contains(…)) ~ .o_dunning_counter_todo:not(:contains(…))",
};

tours.add("dso_dunning_shot_agenda", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
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
    ],
});

tours.add("dso_dunning_shot_customers", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
        menu("dso_dunning_menu_customers"),
        {
            trigger: ".o_breadcrumb:contains(Customers)",
        },
        {
            content: "A customer matching two alerts shows two squares",
            trigger: ".o_list_view .o_data_row:contains(Atelier Dubois) .o_dso_alert_square + .o_dso_alert_square",
        },
    ],
});

tours.add("dso_dunning_shot_scenario", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
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
    ],
});

tours.add("dso_dunning_shot_history", {
    url: "/odoo",
    steps: () => [
        ...openApp(),
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
    ],
});
