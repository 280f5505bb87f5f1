package io.caracal.cli.agent;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.core.agent.Agent;
import io.caracal.core.ratelimit.RateLimit;
import io.caracal.core.ratelimit.RateLimitStore;

import java.util.Optional;

/** Commands that answer with one agent share its view and its detail block. */
abstract class AgentDetails extends SessionCommand {
    AgentDetails(CliSession session) {
        super(session);
    }

    /** The agent with its rate limit as stored. */
    void printAgent(String heading, Agent agent) {
        printAgent(heading, agent, session.bean(RateLimitStore.class).limitOf(agent.id()));
    }

    void printAgent(String heading, Agent agent, Optional<RateLimit> rateLimit) {
        print(AgentView.of(agent, rateLimit), () -> {
            out().println(heading);
            field("Agent ID", agent.id());
            field("Name", agent.name());
            field("Description", agent.description());
            field("Owner", agent.owner());
            field("Status", agent.status().label());
            field("Parent Agent ID", agent.parentId());
            agent.metadata().forEach((k, v) -> field("Metadata " + k, v));
            field("Rate Limit", rateLimit.map(RateLimit::describe).orElse(null));
            field("Created", time(agent.createdAt()));
        });
    }
}
