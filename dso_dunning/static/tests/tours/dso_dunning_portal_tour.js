import { registry } from "@web/core/registry";

/** Fails unless exactly the invoices named ``names`` are ticked for payment. */
function tickedForPayment(names) {
    const ticked = [...document.querySelectorAll(".o_dunning_pay_check:checked")].map(
        (input) => input.closest("tr").dataset.name
    );
    if (ticked.sort().join(",") !== [...names].sort().join(",")) {
        throw new Error(`ticked for payment: ${ticked.join(", ")}; expected ${names.join(", ")}`);
    }
}

// The customer (not logged in) opens the link of its reminder email and pays
// its two overdue invoices with Odoo's demo provider.
registry.category("web_tour.tours").add("dso_dunning_portal_pay_tour", {
    steps: () => [
        {
            content: "The statement lists the open items",
            trigger: ".o_dunning_items tr.o_dunning_item",
        },
        {
            content: "The two overdue invoices are ticked, the one not yet due is not",
            trigger: ".o_dunning_items tr.o_dunning_item:eq(2)",
            run() {
                const overdue = [...document.querySelectorAll("tr.o_dunning_item")]
                    .filter((row) => Number(row.querySelector("td:nth-child(5)").textContent) > 0)
                    .map((row) => row.dataset.name);
                if (overdue.length !== 2) {
                    throw new Error(`expected two overdue invoices, got ${overdue.length}`);
                }
                tickedForPayment(overdue);
            },
        },
        {
            content: "Pay the selected invoices",
            trigger: "button.o_dunning_pay_selected",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Odoo's payment form, for the two invoices",
            trigger: ".o_dunning_payment .o_dunning_pay_amount:contains(500.00)",
        },
        {
            content: "Picture of the page for the README",
            trigger: ".o_dunning_payment input[name=customer_input]",
            run() {
                console.log("dso-screenshot:customer_page");
            },
        },
        {
            content: "Picture taken",
            trigger: "body[data-dso-screenshot=customer_page]",
        },
        {
            content: "Demo card details",
            trigger: ".o_dunning_payment input[name=customer_input]",
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: ".o_dunning_payment button[name=o_payment_submit_button]:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back on the page: the payment is received",
            trigger: ".o_dunning_paid",
        },
    ],
});

// The customer disputes one invoice with a document; it goes to the collector.
registry.category("web_tour.tours").add("dso_dunning_portal_dispute_tour", {
    steps: () => [
        {
            content: "Tick the disputed invoice",
            trigger: ".o_dunning_dispute_form input.o_dunning_dispute_item:first",
            run: "click",
        },
        {
            content: "Choose the reason",
            trigger: ".o_dunning_dispute_form select[name=dispute_type_id]",
            run: "selectByLabel Quality",
        },
        {
            content: "Explain",
            trigger: ".o_dunning_dispute_form textarea[name=comment]",
            run: "edit Two boxes arrived broken.",
        },
        {
            content: "Attach a photo",
            trigger: ".o_dunning_dispute_form input[name=attachment]",
            run() {
                const transfer = new DataTransfer();
                transfer.items.add(new File(["broken boxes"], "broken.txt", { type: "text/plain" }));
                this.anchor.files = transfer.files;
            },
        },
        {
            content: "Send",
            trigger: ".o_dunning_dispute_form button.o_dunning_dispute_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Sent to the credit team",
            trigger: ".o_dunning_sent",
        },
    ],
});

// The collector finds the dispute in Replies & comments, with its document.
registry.category("web_tour.tours").add("dso_dunning_portal_collector_tour", {
    steps: () => [
        {
            content: "The dispute from the customer page is listed, with its comment and document",
            trigger:
                ".o_list_view .o_data_row:contains(Customer page):contains(Portal Tour SA)" +
                ":contains(Dispute: Quality):contains(Two boxes arrived broken.):contains(broken.txt)",
        },
    ],
});
