package io.caracal.cli.policy;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.core.policy.BudgetPolicy;

/** Commands that answer with one policy share its view and its detail block. */
abstract class PolicyDetails extends SessionCommand {
    PolicyDetails(CliSession session) {
        super(session);
    }

    void printPolicy(String heading, BudgetPolicy policy) {
        print(PolicyView.of(policy), () -> {
            out().println(heading);
            field("Policy ID", policy.id());
            field("Agent ID", policy.agentId());
            field("Limit", policy.limit().display());
            field("Time Window", window(policy));
            field("Time Zone", policy.timeZone());
            field("Delegated From", policy.delegatedFrom());
            field("Status", policy.active() ? "active" : "inactive");
        });
    }

    static String window(BudgetPolicy policy) {
        return policy.timeWindow().label() + " (" + policy.windowType().label() + ")";
    }
}
