import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

// A collector working in French reads the aged balance of his portfolio, drills
// down to a customer's items, then finds his customers in the Customers menu.
registry.category("web_tour.tours").add("dso_dunning_aged_french", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dso_dunning.dso_dunning_menu_root", "Ouvrir Relances"),
        {
            content: "Analyse",
            trigger: ".o_main_navbar [data-menu-xmlid='dso_dunning.dso_dunning_menu_reporting']",
            run: "click",
        },
        {
            trigger: ".dropdown-item[data-menu-xmlid='dso_dunning.dso_dunning_menu_kpi_aged_items']",
            run: "click",
        },
        {
            content: "Balance âgée, sur ses clients, en français",
            trigger: ".o_breadcrumb .active:contains(Balance âgée)",
        },
        {
            trigger: ".o_searchview .o_facet_value:contains(Mes clients)",
        },
        {
            trigger: ".o_pivot th:contains(Plus de 90 jours de retard)",
        },
        {
            content: "His customers only: Amrine's 900,00, not Boreal's",
            trigger: ".o_pivot tr:has(th:contains(Colette Collector)) td:last:contains(900,00)",
        },
        {
            trigger: ".o_pivot:not(:has(th:contains(Aucun)))",
        },
        {
            content: "The list, one row per customer",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Ses pièces",
            trigger: ".o_list_view .o_data_row:contains(Amrine) button[name=action_open_items]",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb .active:contains(Amrine : pièces de la balance âgée au)",
        },
        {
            trigger: ".o_list_view:has(.o_data_row:contains(600,00)):has(.o_data_row:contains(300,00))",
        },
        {
            content: "Clients: his own, by default",
            trigger: ".o_main_navbar [data-menu-xmlid='dso_dunning.dso_dunning_menu_customers']",
            run: "click",
        },
        {
            trigger: ".o_searchview .o_facet_value:contains(Mes clients)",
        },
        {
            trigger: ".o_list_view .o_data_row:contains(Amrine)",
        },
        {
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Boreal)))",
        },
    ],
});
