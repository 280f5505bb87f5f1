package io.caracal.cli.agent;

import io.caracal.cli.CliSession;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.error.Ids;
import io.caracal.core.agent.AgentStore;
import picocli.CommandLine.Option;

/** Suspend and activate differ only in the status they set; setting the current status again is harmless. */
abstract class AgentStatusCommand extends AgentDetails {
    @Option(names = "--agent-id", required = true, description = "The agent.")
    String agentId;

    private final AgentStatus target;
    private final String heading;

    AgentStatusCommand(CliSession session, AgentStatus target, String heading) {
        super(session);
        this.target = target;
        this.heading = heading;
    }

    @Override
    protected void run() {
        Agent agent = session.bean(AgentStore.class).setStatus(Ids.parse("agent id", agentId), target);
        printAgent(heading, agent);
    }
}
