package io.caracal.cli.agent;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.core.agent.Agent;

/** Commands that answer with one agent share its view and its detail block. */
abstract class AgentDetails extends SessionCommand {
    AgentDetails(CliSession session) {
        super(session);
    }

    void printAgent(String heading, Agent agent) {
        print(AgentView.of(agent), () -> {
            out().println(heading);
            field("Agent ID", agent.id());
            field("Name", agent.name());
            field("Description", agent.description());
            field("Owner", agent.owner());
            field("Status", agent.status().label());
            field("Parent Agent ID", agent.parentId());
            agent.metadata().forEach((k, v) -> field("Metadata " + k, v));
            field("Created", time(agent.createdAt()));
        });
    }
}
