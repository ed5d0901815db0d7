import { darkenColor, getCustomColor, lightenColor } from "@web/core/colors/colors";
import { cookie } from "@web/core/browser/cookie";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

/**
 * The theme colour of each progress value of the charts, the agenda's own:
 * to do red, done green, future blue (as a future manual action), cancelled grey.
 */
export const PROGRESS_THEME = {
    to_do: "danger",
    done: "success",
    future: "info",
    cancelled: "secondary",
};

const themeColour = (name) =>
    getComputedStyle(document.documentElement).getPropertyValue(`--${name}`).trim();

/** The progress value of a data point's group (its identifier), if grouped by it. */
export function progressOf(identifier) {
    const part = JSON.parse(identifier).find((group) => "progress" in group);
    return part?.progress;
}

/**
 * Graph renderer of the Charts tab. Odoo colours the series by their rank in
 * the chart, so "To do" could be red in one chart and green in the next; here
 * a series (a slice, or a bar on a progress axis) of one progress value always
 * takes its colour. Other series keep Odoo's colours.
 */
export class AgendaGraphRenderer extends GraphRenderer {
    /** Colour of a progress value, or undefined for another grouping. */
    progressColour(progress) {
        const theme = PROGRESS_THEME[progress];
        return theme && themeColour(theme);
    }

    /** Colour of the series of ``dataset`` when all its groups share one progress. */
    datasetColour(dataset) {
        const values = new Set([...(dataset.identifiers || [])].map(progressOf));
        return values.size === 1 ? this.progressColour([...values][0]) : undefined;
    }

    /** Colours of the labels (x-axis or slices), by the progress of their groups. */
    labelColours(defaultColours) {
        const colours = [...defaultColours];
        for (const point of this.model._getProcessedDataPoints()) {
            const colour = this.progressColour(progressOf(point.identifier));
            if (colour && point.labelIndex !== undefined) {
                colours[point.labelIndex] = colour;
            }
        }
        return colours;
    }

    getBarChartData() {
        const data = super.getBarChartData();
        const datasets = this.model.data.datasets;
        for (const dataset of datasets) {
            dataset.backgroundColor = this.datasetColour(dataset) || dataset.backgroundColor;
        }
        if (datasets.length === 1 && this.model.metaData.groupBy[0]?.fieldName === "progress") {
            const [dataset] = datasets;
            dataset.backgroundColor = this.labelColours(
                dataset.data.map(() => dataset.backgroundColor)
            );
        }
        return data;
    }

    getLineChartData() {
        const data = super.getLineChartData();
        const colorScheme = cookie.get("color_scheme");
        for (const dataset of data.datasets) {
            const colour = this.datasetColour(dataset);
            if (colour) {
                dataset.borderColor = colour;
                dataset.hoverBackgroundColor = colour;
                dataset.pointBackgroundColor = colour;
                dataset.backgroundColor = getCustomColor(
                    colorScheme,
                    lightenColor(colour, 0.5),
                    darkenColor(colour, 0.5)
                );
            }
        }
        return data;
    }

    getPieChartData() {
        const data = super.getPieChartData();
        for (const dataset of data.datasets) {
            if (Array.isArray(dataset.backgroundColor)) {
                dataset.backgroundColor = this.labelColours(dataset.backgroundColor);
                dataset.hoverBackgroundColor = dataset.backgroundColor;
            }
        }
        return data;
    }

    /** The legend of a pie shows the colours of its slices. */
    getLegendOptions() {
        const options = super.getLegendOptions();
        const generateLabels = options.labels?.generateLabels;
        if (this.model.metaData.mode === "pie" && generateLabels) {
            options.labels.generateLabels = (chart) =>
                generateLabels(chart).map((label) => {
                    const colours = chart.data.datasets[0]?.backgroundColor;
                    return Array.isArray(colours) && colours[label.index]
                        ? { ...label, fillStyle: colours[label.index] }
                        : label;
                });
        }
        return options;
    }
}
