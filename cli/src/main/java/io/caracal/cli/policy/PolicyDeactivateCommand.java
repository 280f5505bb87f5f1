package io.caracal.cli.policy;

import io.caracal.cli.CliSession;
import io.caracal.core.error.Ids;
import io.caracal.core.policy.PolicyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "deactivate", mixinStandardHelpOptions = true, description = "Deactivate a policy; it stays in the history. Requires --change-reason.")
final class PolicyDeactivateCommand extends PolicyDetails {
    @Option(names = "--policy-id", required = true, description = "The policy.")
    String policyId;

    @Mixin
    ChangeOptions changeOptions;

    PolicyDeactivateCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        var id = Ids.parse("policy id", policyId);
        printPolicy("Policy deactivated:", session.bean(PolicyStore.class).deactivate(id, changeOptions.change(session, null)));
    }
}
