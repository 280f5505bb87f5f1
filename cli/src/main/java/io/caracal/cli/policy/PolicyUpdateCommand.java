package io.caracal.cli.policy;

import io.caracal.cli.CliSession;
import io.caracal.core.error.Ids;
import io.caracal.core.policy.PolicyEdit;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.policy.PolicyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Optional;

@Command(name = "update", mixinStandardHelpOptions = true, description = "Change a policy's limit or window; records a new version. Requires --change-reason.")
final class PolicyUpdateCommand extends PolicyDetails {
    @Option(names = "--policy-id", required = true, description = "The policy.")
    String policyId;

    @Option(names = "--limit", description = "New limit, a decimal greater than zero (same currency).")
    String limit;

    @Option(names = "--time-window", description = "New window: hourly, daily, weekly or monthly.")
    String timeWindow;

    @Option(names = "--window-type", description = "New window type: calendar or rolling.")
    String windowType;

    @Option(names = "--time-zone", paramLabel = "ZONE", description = "New IANA zone for a calendar window.")
    String timeZone;

    @Mixin
    ChangeOptions changeOptions;

    PolicyUpdateCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        var id = Ids.parse("policy id", policyId);
        var change = changeOptions.change(session, null);
        PolicyEdit edit = new PolicyEdit(Optional.ofNullable(limit), Optional.ofNullable(timeWindow).map(TimeWindow::parse),
                Optional.ofNullable(windowType).map(WindowType::parse), Optional.ofNullable(timeZone));
        printPolicy("Policy updated successfully:", session.bean(PolicyStore.class).update(id, edit, change));
    }
}
