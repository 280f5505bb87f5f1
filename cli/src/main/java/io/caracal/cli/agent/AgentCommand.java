package io.caracal.cli.agent;

import picocli.CommandLine.Command;

@Command(name = "agent", mixinStandardHelpOptions = true, description = "Register and manage agents and their API keys.",
        subcommands = {AgentCreateCommand.class, AgentListCommand.class, AgentGetCommand.class, AgentUpdateCommand.class,
                AgentSuspendCommand.class, AgentActivateCommand.class, AgentKeyCommand.class})
public final class AgentCommand {
}
