package io.caracal.cli.agent;

import io.caracal.cli.CliSession;
import io.caracal.core.agent.AgentStatus;
import picocli.CommandLine.Command;

@Command(name = "suspend", mixinStandardHelpOptions = true, description = "Suspend an agent: the gateway refuses it until it is activated again.")
final class AgentSuspendCommand extends AgentStatusCommand {
    AgentSuspendCommand(CliSession session) {
        super(session, AgentStatus.SUSPENDED, "Agent suspended:");
    }
}
