package io.caracal.cli.agent;

import io.caracal.cli.CliSession;
import io.caracal.core.error.Ids;
import io.caracal.core.agent.AgentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "get", mixinStandardHelpOptions = true, description = "Show one agent.")
final class AgentGetCommand extends AgentDetails {
    @Option(names = "--agent-id", required = true, description = "The agent.")
    String agentId;

    AgentGetCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        printAgent("Agent:", session.bean(AgentStore.class).get(Ids.parse("agent id", agentId)));
    }
}
