package io.caracal.cli.policy;

import io.caracal.cli.CliSession;
import io.caracal.core.error.Ids;
import io.caracal.core.policy.PolicyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "get", mixinStandardHelpOptions = true, description = "Show one policy.")
final class PolicyGetCommand extends PolicyDetails {
    @Option(names = "--policy-id", required = true, description = "The policy.")
    String policyId;

    PolicyGetCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        printPolicy("Policy:", session.bean(PolicyStore.class).get(Ids.parse("policy id", policyId)));
    }
}
