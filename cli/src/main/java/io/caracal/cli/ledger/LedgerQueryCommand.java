package io.caracal.cli.ledger;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.cli.TimeRangeOptions;
import io.caracal.core.error.Ids;
import io.caracal.core.ledger.LedgerRow;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.Window;
import io.caracal.core.ledger.LedgerStore;
import io.caracal.core.receipt.Receipt;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@Command(name = "query", mixinStandardHelpOptions = true,
        description = "An agent's charges over a time range or the current window: total, event count and average cost per event,"
                + " per currency, read from the ledger; with --charges, each charge too and how it was priced.")
final class LedgerQueryCommand extends SessionCommand {
    @Option(names = "--agent-id", required = true, description = "The agent.")
    String agentId;

    @Mixin
    TimeRangeOptions range;

    /** Absent unless --charges is given; --limit alone is a usage error, as it would list nothing. */
    @ArgGroup(exclusive = false)
    ChargeOptions charges;

    static final class ChargeOptions {
        @Option(names = "--charges", required = true,
                description = "After the summary, list the charges, oldest first, with the model, price version and token counts they were priced with.")
        boolean wanted;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
                description = "With --charges: list at most this many, 1 to " + MAX_LIMIT + " (default: ${DEFAULT-VALUE}).")
        int limit;
    }

    LedgerQueryCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record CurrencyView(String currency, String totalSpending, long eventCount, String averageCostPerEvent) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record SummaryView(String agentId, String from, String to, List<CurrencyView> currencies, List<ChargeView> charges, Long chargesNotShown) {
    }

    @Override
    protected void run() {
        UUID id = Ids.parse("agent id", agentId);
        Window window = range.resolve(session.bean(Clock.class).instant());
        if (charges != null) {
            requireBoundedLimit(charges.limit);
        }
        LedgerStore ledger = session.bean(LedgerStore.class);
        List<CurrencyView> currencies = new ArrayList<>();
        List<String[]> lines = new ArrayList<>();
        ledger.spend(id, window.start(), window.end(), false).forEach((currency, totals) -> {
            Money total = new Money(totals.amount(), currency);
            // Exact to the nano-unit every amount is kept in; only the average is ever rounded.
            Money average = new Money(totals.amount().divide(BigDecimal.valueOf(totals.count()), 9, RoundingMode.HALF_EVEN), currency);
            currencies.add(new CurrencyView(currency.code(), total.amountText(), totals.count(), average.amountText()));
            lines.add(new String[]{total.display(), String.format("%,d", totals.count()), average.display()});
        });
        LedgerStore.Charges page = charges == null ? null : ledger.charges(id, window.start(), window.end(), charges.limit);
        SummaryView view = new SummaryView(id.toString(), window.start().toString(), window.end().toString(), currencies,
                page == null ? null : page.rows().stream().map(ChargeView::of).toList(), page == null ? null : notShown(page));
        print(view, () -> {
            out().println("Spending Summary:");
            field("Agent ID", id);
            field("Time Range", view.from() + " to " + view.to());
            if (lines.isEmpty()) {
                field("Total Spending", "0.00");
                field("Event Count", 0);
            }
            for (String[] line : lines) {
                field("Total Spending", line[0]);
                field("Event Count", line[1]);
                field("Average Cost per Event", line[2]);
            }
            if (page != null) {
                printCharges(page);
            }
        });
    }

    private static long notShown(LedgerStore.Charges page) {
        return page.total() - page.rows().size();
    }

    private void printCharges(LedgerStore.Charges page) {
        out().println();
        if (page.rows().isEmpty()) {
            out().println("Charges: none");
            return;
        }
        out().println("Charges (oldest first):");
        Table table = new Table("TIME", "EVENT ID", "AMOUNT", "MODEL", "PRICE VERSION", "TOKENS", "RESOURCE");
        for (LedgerRow row : page.rows()) {
            Map<String, String> metadata = row.metadata();
            // "resource" in the metadata is the pricebook key of an MCP call (the row's own resource is the destination host).
            table.row(time(row.occurredAt()), row.eventId(), new Money(row.amount(), new CurrencyCode(row.currency())).display(),
                    metadata.get("model"), metadata.get(Receipt.PRICE_VERSION), TokenCounts.compact(metadata), metadata.get("resource"));
        }
        table.print(out());
        if (notShown(page) > 0) {
            out().println(String.format("%,d more not shown (--limit %d)", notShown(page), charges.limit));
        }
    }
}
