import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const row = (name) => `.o_list_view .o_data_row:contains(${name})`;
const selector = (name) => `${row(name)} td.o_list_record_selector input[type=checkbox]`;
// Rescheduled to Dec 31 of next year: in the future whatever day the test runs.
const nextYear = () => new Date().getFullYear() + 1;

/** The colour the agenda gives each progress value, from the theme. */
const themeColour = (name) =>
    getComputedStyle(document.documentElement).getPropertyValue(`--${name}`).trim();
const PROGRESS_THEME = { "To do": "danger", Done: "success", Future: "info" };

/**
 * Fails unless each series (each slice of a pie) of the chart on screen has
 * the colour of its progress. Waits for the chart of ``mode`` to be drawn.
 */
async function progressColoursAre(mode) {
    let chart;
    for (let tries = 0; tries < 50 && chart?.config.type !== mode; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const canvas = document.querySelector(".o_graph_canvas_container canvas");
        chart = canvas && window.Chart.getChart(canvas);
    }
    if (chart?.config.type !== mode) {
        throw new Error(`No ${mode} chart drawn`);
    }
    const seen = [];
    const check = (label, colour) => {
        const progress = Object.keys(PROGRESS_THEME).find((name) => label.endsWith(name));
        const expected = progress && themeColour(PROGRESS_THEME[progress]);
        if (progress && colour !== expected) {
            throw new Error(`${mode} chart: "${label}" is ${colour}, not ${expected}`);
        }
        seen.push(progress);
    };
    if (mode === "pie") {
        const [dataset] = chart.data.datasets;
        chart.data.labels.forEach((label, index) => check(label, dataset.backgroundColor[index]));
    } else {
        for (const dataset of chart.data.datasets) {
            check(dataset.label, mode === "line" ? dataset.borderColor : dataset.backgroundColor);
        }
    }
    for (const progress of Object.keys(PROGRESS_THEME)) {
        if (!seen.includes(progress)) {
            throw new Error(`${mode} chart: no "${progress}" series in ${seen}`);
        }
    }
}

registry.category("web_tour.tours").add("dso_dunning_agenda", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("dso_dunning.dso_dunning_menu_root", "Open the Dunning app"),
        {
            content: "The collector lands on the manual actions, pre-filtered on their own",
            trigger: ".o_breadcrumb:contains(Manual Actions)",
        },
        {
            trigger: ".o_searchview .o_facet_value:contains(My Actions)",
        },
        {
            content: "Late call in red",
            trigger: `${row("Tour Late Call")}.text-danger`,
        },
        {
            content: "Future call in blue",
            trigger: `${row("Tour Future Call")}.text-info`,
        },
        {
            content: "Another collector's call is not listed",
            trigger: `.o_list_view:not(:has(.o_data_row:contains(Other Collector Call)))`,
        },
        {
            content: "Counters: 2 scheduled, 1 to do",
            trigger: ".o_dunning_counter_scheduled:contains(2 scheduled)",
        },
        {
            trigger: ".o_dunning_counter_todo:contains(1 to do)",
        },
        {
            content: "Switch to the calendar",
            trigger: ".o_switch_view.o_calendar",
            run: "click",
        },
        {
            content: "The calendar keeps the tab bar and the counters of the filters",
            trigger: ".o_calendar_view .o_dunning_agenda_bar .o_dunning_tab_manual.active",
        },
        {
            trigger: ".o_calendar_view .o_dunning_counter_scheduled:contains(2 scheduled)",
        },
        {
            trigger: ".o_calendar_view .o_dunning_counter_todo:contains(1 to do)",
        },
        {
            content: "Back to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Select the late call to reschedule it inline",
            trigger: selector("Tour Late Call"),
            run: "click",
        },
        {
            trigger: `${row("Tour Late Call")} .o_data_cell[name=date]`,
            run: "click",
        },
        {
            trigger: `${row("Tour Late Call")} .o_field_widget[name=date] input`,
            run: `edit 12/31/${nextYear()}`,
        },
        {
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            content: "The call is rescheduled",
            trigger: `${row("Tour Late Call")}:contains(Dec 31):not(.o_selected_row)`,
        },
        {
            content: "The counters follow the edit: nothing left to do now",
            trigger: ".o_dunning_counter_todo:contains(0 to do)",
        },
        {
            trigger: ".o_dunning_counter_scheduled:contains(2 scheduled)",
        },
        {
            content: "Go to the automatic actions tab",
            trigger: ".o_dunning_tab_automatic",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains(Automatic Actions)",
        },
        {
            content: "Counters of the automatic tab: 5 scheduled, 3 to do",
            trigger: ".o_dunning_counter_scheduled:contains(5 scheduled)",
        },
        {
            trigger: ".o_dunning_counter_todo:contains(3 to do)",
        },
        {
            content: "Confirmed in green",
            trigger: `${row("Tour Confirmed")}.text-success`,
        },
        {
            content: "Future and not confirmed: no colour",
            trigger: `${row("Tour Future Auto")}:not(.text-danger):not(.text-success):not(.text-warning)`,
        },
        {
            content: "Error in yellow",
            trigger: `${row("Tour Error Customer")}.text-warning`,
        },
        {
            content: "Late and not confirmed in red",
            trigger: `${row("Tour Confirm A")}.text-danger`,
        },
        {
            content: "Select the two actions to confirm",
            trigger: selector("Tour Confirm A"),
            run: "click",
        },
        {
            trigger: selector("Tour Confirm B"),
            run: "click",
        },
        {
            content: "Confirm both at once",
            trigger: ".o_control_panel_actions button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Both are confirmed: green",
            trigger: `${row("Tour Confirm A")}.text-success`,
        },
        {
            trigger: `${row("Tour Confirm B")}.text-success`,
        },
        {
            content: "Open the action in error",
            trigger: `${row("Tour Error Customer")} .o_data_cell[name=partner_id]`,
            run: "click",
        },
        {
            content: "It explains why it was not sent",
            trigger: ".o_form_view .o_dunning_error_message:contains(No email address on the collection contact)",
        },
        {
            content: "Back to the list",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item a",
            run: "click",
        },
        {
            content: "Filter on a customer",
            trigger: ".o_searchview_input",
            run: "edit Tour Sent",
        },
        {
            trigger: ".o_searchview_autocomplete .o-dropdown-item:contains(Customer)",
            run: "click",
        },
        {
            trigger: ".o_searchview .o_facet_value:contains(Tour Sent)",
        },
        {
            content: "Go to the history tab",
            trigger: ".o_dunning_tab_history",
            run: "click",
        },
        {
            trigger: ".o_breadcrumb:contains(History)",
        },
        {
            content: "The customer filter is still applied",
            trigger: ".o_searchview .o_facet_value:contains(Tour Sent)",
        },
        {
            trigger: ".o_searchview .o_facet_value:contains(My Actions)",
        },
        {
            content: "The sent action is in the history",
            trigger: row("Tour Sent Customer"),
        },
        {
            content: "Export the filtered history",
            trigger: ".o_dunning_export_xlsx",
            run: "click",
        },
        {
            content: "No error dialog after the export",
            trigger: ".o_list_view:not(:has(.o_error_dialog))",
        },
        {
            content: "Go to the charts",
            trigger: ".o_dunning_tab_charts",
            run: "click",
        },
        {
            content: "The collector lands on the charts of their own actions",
            trigger: ".o_graph_view .o_searchview .o_facet_value:contains(My Actions)",
        },
        {
            content: "To do in red, done in green, future in blue",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
            run: () => progressColoursAre("bar"),
        },
        {
            content: "Switch to a pie chart",
            trigger: ".o_graph_button[data-mode=pie]",
            run: "click",
        },
        {
            content: "The slices keep the colours of the bars",
            trigger: ".o_graph_button.active[data-mode=pie]",
            run: () => progressColoursAre("pie"),
        },
        {
            content: "Switch to a line chart",
            trigger: ".o_graph_button[data-mode=line]",
            run: "click",
        },
        {
            content: "The lines keep them too",
            trigger: ".o_graph_button.active[data-mode=line]",
            run: () => progressColoursAre("line"),
        },
        {
            content: "Go to the replies and comments",
            trigger: ".o_dunning_tab_replies",
            run: "click",
        },
        {
            content: "The collector lands on the replies of their own customers",
            trigger: ".o_list_view .o_searchview .o_facet_value:contains(My Customers)",
        },
        {
            content: "Another collector's note is not listed",
            trigger: ".o_list_view:not(:has(.o_data_row:contains(Other Collector Call))) .o_data_row:contains(Tour Late Call)",
        },
        {
            content: "Open the collector's note",
            trigger: `${row("Tour Late Call")} .o_data_cell[name=partner_id]`,
            run: "click",
        },
        {
            content: "The whole message is shown, with its author",
            trigger: ".o_form_view .o_field_widget[name=body]:contains(End of the note.)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=author_id]:contains(Colette Collector)",
        },
        {
            content: "Validate it from its form",
            trigger: ".o_form_view .o_form_statusbar button[name=action_validate]",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_validate]))",
        },
        {
            content: "Open the record the note is on",
            trigger: ".o_form_view button[name=action_open_thread]",
            run: "click",
        },
        {
            content: "It is the call, with the note in its chatter",
            trigger: ".o_form_view .o_field_widget[name=step_id]:contains(Call)",
        },
        {
            trigger: ".o-mail-Chatter .o-mail-Message:contains(End of the note.)",
        },
        {
            content: "Go to the customers",
            trigger: ".o_main_navbar [data-menu-xmlid='dso_dunning.dso_dunning_menu_customers']",
            run: "click",
        },
        {
            content: "The collector lands on his own customers; this one is another collector's",
            trigger: ".o_searchview_facet:contains(My Customers) .o_facet_remove",
            run: "click",
        },
        {
            content: "The overdue customer is listed with its overdue amount and planned step",
            trigger: ".o_list_view .o_data_row:contains(Tour Customer SA):contains(700.00):contains(Tour call)",
        },
    ],
});
