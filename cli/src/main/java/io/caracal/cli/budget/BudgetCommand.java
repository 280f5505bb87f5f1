package io.caracal.cli.budget;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.cli.TimeRangeOptions;
import io.caracal.core.agent.Agent;
import io.caracal.core.budget.BudgetDecision;
import io.caracal.core.budget.BudgetFigures;
import io.caracal.core.error.Ids;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.Window;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.budget.HoldStore;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@Command(name = "budget", mixinStandardHelpOptions = true, description = "Live budget figures and spend reports.",
        subcommands = {BudgetCommand.Status.class, BudgetCommand.Spend.class})
public final class BudgetCommand {

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record FiguresView(String policyId, String agentId, String currency, String limit, String spent, String held, String available) {
        static FiguresView of(BudgetFigures f) {
            return new FiguresView(f.policyId().toString(), f.agentId().toString(), f.currency(), Money.plain(f.limit()), Money.plain(f.spent()),
                    Money.plain(f.held()), Money.plain(f.available()));
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record StatusView(String agentId, boolean allowed, String reason, String remaining, String currency, String failingPolicyId,
                             List<FiguresView> budgets) {
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Every budget that applies to an agent (its own policies and its ancestors'), with limit, spent, held and"
                    + " available, and whether a request of --estimate would be allowed now. Holds nothing.")
    static final class Status extends SessionCommand {
        @Option(names = "--agent-id", required = true, description = "The agent.")
        String agentId;

        @Option(names = "--estimate", description = "Check a request of this cost (default: none, i.e. is anything left).")
        String estimate;

        @Option(names = "--currency", defaultValue = "USD", description = "Currency of --estimate (default: ${DEFAULT-VALUE}).")
        String currency;

        Status(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            UUID id = Ids.parse("agent id", agentId);
            Money cost = estimate == null ? null : Money.parse("estimate", estimate, CurrencyCode.parse(currency));
            BudgetDecision decision = session.budgetEngine().check(id, cost);
            print(new StatusView(id.toString(), decision.allowed(), decision.reason(),
                    decision.remaining() == null ? null : Money.plain(decision.remaining()), decision.currency(),
                    decision.failingPolicyId() == null ? null : decision.failingPolicyId().toString(),
                    decision.budgets().stream().map(FiguresView::of).toList()), () -> {
                out().println("Budget status for agent " + id + ":");
                Table table = new Table("POLICY ID", "OF AGENT", "CURRENCY", "LIMIT", "SPENT", "HELD", "AVAILABLE");
                decision.budgets().forEach(f -> table.row(f.policyId(), f.agentId().equals(id) ? "self" : f.agentId(), f.currency(),
                        Money.plain(f.limit()), Money.plain(f.spent()), Money.plain(f.held()), Money.plain(f.available())));
                table.print(out());
                out().println((decision.allowed() ? "ALLOWED: " : "DENIED: ") + decision.reason());
                if (decision.remaining() != null) {
                    out().println("Remaining: " + Money.plain(decision.remaining()) + " " + decision.currency());
                }
            });
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record SpendView(String agentId, String from, String to, boolean includesDescendants, Map<String, String> totals,
                            List<SpendView> children) {
    }

    @Command(name = "spend", mixinStandardHelpOptions = true,
            description = "Settled spend of an agent over a time range or the current window, alone or with its descendants,"
                    + " optionally broken down per child.")
    static final class Spend extends SessionCommand {
        @Option(names = "--agent-id", required = true, description = "The agent.")
        String agentId;

        @Mixin
        TimeRangeOptions range;

        @Option(names = "--include-descendants", description = "Add the spend of every descendant.")
        boolean includeDescendants;

        @Option(names = "--by-child", description = "Also list each direct child's spend (with its own descendants).")
        boolean byChild;

        Spend(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            UUID id = Ids.parse("agent id", agentId);
            Window range = this.range.resolve(session.bean(Clock.class).instant());
            HoldStore holds = session.bean(HoldStore.class);
            List<SpendView> children = new ArrayList<>();
            if (byChild) {
                for (Agent child : session.bean(AgentStore.class).children(id)) {
                    children.add(view(holds, child.id(), range, true, List.of()));
                }
            }
            SpendView view = view(holds, id, range, includeDescendants, children);
            print(view, () -> {
                out().println("Spending Summary:");
                field("Agent ID", id);
                field("Time Range", view.from() + " to " + view.to());
                field("Includes Descendants", includeDescendants ? "yes" : "no");
                if (view.totals().isEmpty()) {
                    field("Total Spending", "0.00");
                }
                view.totals().forEach((currency, total) -> field("Total Spending", total + " " + currency));
                if (byChild) {
                    Table table = new Table("CHILD AGENT ID", "CURRENCY", "TOTAL (WITH DESCENDANTS)");
                    for (SpendView child : children) {
                        if (child.totals().isEmpty()) {
                            table.row(child.agentId(), "", "0.00");
                        }
                        child.totals().forEach((currency, total) -> table.row(child.agentId(), currency, total));
                    }
                    table.print(out());
                }
            });
        }

        private static SpendView view(HoldStore holds, UUID agent, Window range, boolean descendants, List<SpendView> children) {
            Map<String, String> totals = new LinkedHashMap<>();
            holds.spend(agent, range.start(), range.end(), descendants).forEach((c, v) -> totals.put(c.code(), Money.plain(v)));
            return new SpendView(agent.toString(), range.start().toString(), range.end().toString(), descendants, totals, children);
        }
    }
}
