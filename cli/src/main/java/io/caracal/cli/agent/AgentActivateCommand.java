package io.caracal.cli.agent;

import io.caracal.cli.CliSession;
import io.caracal.core.agent.AgentStatus;
import picocli.CommandLine.Command;

@Command(name = "activate", mixinStandardHelpOptions = true, description = "Activate a suspended agent.")
final class AgentActivateCommand extends AgentStatusCommand {
    AgentActivateCommand(CliSession session) {
        super(session, AgentStatus.ACTIVE, "Agent activated:");
    }
}
