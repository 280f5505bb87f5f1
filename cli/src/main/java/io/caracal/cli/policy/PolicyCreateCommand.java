package io.caracal.cli.policy;

import io.caracal.cli.CliSession;
import io.caracal.core.error.Ids;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.PolicyTerms;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.policy.PolicyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a budget policy for an agent.")
final class PolicyCreateCommand extends PolicyDetails {
    @Option(names = "--agent-id", required = true, description = "The agent the limit applies to.")
    String agentId;

    @Option(names = "--limit", required = true, description = "Hard limit per window, a decimal greater than zero.")
    String limit;

    @Option(names = "--currency", defaultValue = "USD", description = "ISO 4217 currency (default: ${DEFAULT-VALUE}).")
    String currency;

    @Option(names = "--time-window", defaultValue = "daily", description = "hourly, daily, weekly or monthly (default: ${DEFAULT-VALUE}).")
    String timeWindow;

    @Option(names = "--window-type", defaultValue = "calendar", description = "calendar or rolling (default: ${DEFAULT-VALUE}).")
    String windowType;

    @Option(names = "--time-zone", paramLabel = "ZONE", description = "IANA zone for calendar windows, e.g. Europe/Berlin (default: UTC).")
    String timeZone;

    @Option(names = "--delegated-from", paramLabel = "AGENT_ID", description = "The parent agent whose budget this limit is carved from.")
    String delegatedFrom;

    @Mixin
    ChangeOptions changeOptions;

    PolicyCreateCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        PolicyTerms terms = new PolicyTerms(Money.parse("limit", limit, CurrencyCode.parse(currency)),
                TimeWindow.parse(timeWindow), WindowType.parse(windowType), PolicyTerms.parseZone(timeZone));
        printPolicy("Policy created successfully:", session.bean(PolicyStore.class).create(Ids.parse("agent id", agentId), terms,
                delegatedFrom == null ? null : Ids.parse("delegated-from agent id", delegatedFrom), changeOptions.change(session, "Policy created")));
    }
}
