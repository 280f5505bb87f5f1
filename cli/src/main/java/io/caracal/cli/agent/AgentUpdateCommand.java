package io.caracal.cli.agent;

import io.caracal.cli.CliSession;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentChange;
import io.caracal.core.agent.AgentMetadata;
import io.caracal.core.error.Ids;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.ratelimit.RateLimitStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

@Command(name = "update", mixinStandardHelpOptions = true, description = "Change an agent's description, owner, parent, metadata or rate limit.")
final class AgentUpdateCommand extends AgentDetails {
    @Option(names = "--agent-id", required = true, description = "The agent.")
    String agentId;

    @Option(names = "--description", description = "New description.")
    String description;

    @Option(names = "--owner", description = "New owner.")
    String owner;

    @Option(names = "--parent-id", paramLabel = "AGENT_ID", description = "New parent agent (must not be the agent or one of its descendants).")
    String parentId;

    @Option(names = "--clear-parent", description = "Make the agent a root agent.")
    boolean clearParent;

    @Option(names = "--metadata", paramLabel = "KEY=VALUE", description = "Replaces all metadata; repeat for several labels.")
    List<String> metadata;

    @Option(names = "--rate-limit", paramLabel = "RPS", description = "Requests per second the gateway lets the agent make, across all replicas"
            + " (a decimal, at most 100000).")
    String rateLimit;

    @Option(names = "--rate-burst", paramLabel = "N", description = "Requests the agent may make at once after being idle (with --rate-limit;"
            + " default: one second's worth).")
    String rateBurst;

    @Option(names = "--no-rate-limit", description = "Remove the agent's rate limit.")
    boolean noRateLimit;

    AgentUpdateCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        UUID id = Ids.parse("agent id", agentId);
        RateLimitChange rate = RateLimitChange.of(rateLimit, rateBurst, noRateLimit);
        AgentChange change = new AgentChange(Optional.ofNullable(description), Optional.ofNullable(owner),
                Optional.ofNullable(parentId).map(p -> Ids.parse("parent id", p)), clearParent,
                Optional.ofNullable(metadata).map(AgentMetadata::parsePairs));
        if (change.isEmpty() && rate.isEmpty()) {
            throw new InvalidInputException("nothing to change: give at least one of --description, --owner, --parent-id, --clear-parent,"
                    + " --metadata, --rate-limit, --no-rate-limit");
        }
        AgentStore agents = session.bean(AgentStore.class);
        Agent agent = change.isEmpty() ? agents.get(id) : agents.update(id, change);
        rate.applyTo(id, session.bean(RateLimitStore.class));
        printAgent("Agent updated successfully:", agent);
    }
}
