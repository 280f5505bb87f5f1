package io.caracal.cli.ledger;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.TimeRangeOptions;
import io.caracal.core.error.Ids;
import io.caracal.core.money.Money;
import io.caracal.core.policy.Window;
import io.caracal.core.ledger.LedgerStore;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

@Command(name = "query", mixinStandardHelpOptions = true,
        description = "An agent's charges over a time range or the current window: total, event count and average cost per event,"
                + " per currency, read from the ledger.")
final class LedgerQueryCommand extends SessionCommand {
    @Option(names = "--agent-id", required = true, description = "The agent.")
    String agentId;

    @Mixin
    TimeRangeOptions range;

    LedgerQueryCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record CurrencyView(String currency, String totalSpending, long eventCount, String averageCostPerEvent) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record SummaryView(String agentId, String from, String to, List<CurrencyView> currencies) {
    }

    @Override
    protected void run() {
        UUID id = Ids.parse("agent id", agentId);
        Window window = range.resolve(session.bean(Clock.class).instant());
        List<CurrencyView> currencies = new ArrayList<>();
        List<String[]> lines = new ArrayList<>();
        session.bean(LedgerStore.class).spend(id, window.start(), window.end(), false).forEach((currency, totals) -> {
            Money total = new Money(totals.amount(), currency);
            // Exact to the nano-unit every amount is kept in; only the average is ever rounded.
            Money average = new Money(totals.amount().divide(BigDecimal.valueOf(totals.count()), 9, RoundingMode.HALF_EVEN), currency);
            currencies.add(new CurrencyView(currency.code(), total.amountText(), totals.count(), average.amountText()));
            lines.add(new String[]{total.display(), String.format("%,d", totals.count()), average.display()});
        });
        SummaryView view = new SummaryView(id.toString(), window.start().toString(), window.end().toString(), currencies);
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
        });
    }
}
