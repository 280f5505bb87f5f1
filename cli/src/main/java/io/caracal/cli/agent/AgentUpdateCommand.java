package io.caracal.cli.agent;

import io.caracal.cli.CliSession;
import io.caracal.core.agent.AgentChange;
import io.caracal.core.agent.AgentMetadata;
import io.caracal.core.error.Ids;
import io.caracal.core.agent.AgentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Optional;

@Command(name = "update", mixinStandardHelpOptions = true, description = "Change an agent's description, owner, parent or metadata.")
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

    AgentUpdateCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        AgentChange change = new AgentChange(Optional.ofNullable(description), Optional.ofNullable(owner),
                Optional.ofNullable(parentId).map(p -> Ids.parse("parent id", p)), clearParent,
                Optional.ofNullable(metadata).map(AgentMetadata::parsePairs));
        printAgent("Agent updated successfully:", session.bean(AgentStore.class).update(Ids.parse("agent id", agentId), change));
    }
}
