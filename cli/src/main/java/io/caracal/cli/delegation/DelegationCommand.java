package io.caracal.cli.delegation;

import io.caracal.cli.CliSession;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.delegation.DelegationKeyStore;
import io.caracal.core.delegation.DelegationService;
import io.caracal.core.delegation.RevocationStore;
import io.caracal.core.policy.PolicyStore;
import picocli.CommandLine.Command;

import java.time.Clock;

@Command(name = "delegation", mixinStandardHelpOptions = true,
        description = "Delegation tokens: a parent agent signs, with a P-256 key of its own, a token letting one of its children spend up to"
                + " a limit while the token lives; the child presents it to the gateway in X-Caracal-Delegation. Register the parent's"
                + " public key, issue, verify and revoke tokens.",
        subcommands = {AddKeyCommand.class, IssueCommand.class, VerifyCommand.class, RevokeTokenCommand.class})
public final class DelegationCommand {
    private DelegationCommand() {
    }

    static DelegationService service(CliSession session) {
        return new DelegationService(session.bean(AgentStore.class), session.bean(PolicyStore.class), session.bean(DelegationKeyStore.class),
                session.bean(RevocationStore.class), session.bean(Clock.class));
    }
}
