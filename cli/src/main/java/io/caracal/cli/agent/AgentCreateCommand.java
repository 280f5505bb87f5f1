package io.caracal.cli.agent;

import io.caracal.cli.CliSession;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.agent.AgentMetadata;
import io.caracal.core.error.Ids;
import io.caracal.core.agent.AgentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@Command(name = "create", mixinStandardHelpOptions = true, description = "Register a new agent.")
final class AgentCreateCommand extends AgentDetails {
    @Option(names = "--name", required = true, description = "Unique agent name.")
    String name;

    @Option(names = "--owner", required = true, description = "Owner (email or user name).")
    String owner;

    @Option(names = "--description", description = "What the agent does.")
    String description;

    @Option(names = "--parent-id", paramLabel = "AGENT_ID", description = "Parent agent, which may delegate budget to this one.")
    String parentId;

    @Option(names = "--metadata", paramLabel = "KEY=VALUE", description = "A label; repeat for several.")
    List<String> metadata = new ArrayList<>();

    AgentCreateCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        AgentDraft draft = new AgentDraft(name, description, owner,
                parentId == null ? null : Ids.parse("parent id", parentId), AgentMetadata.parsePairs(metadata));
        printAgent("Agent created successfully:", session.bean(AgentStore.class).create(draft), Optional.empty());
    }
}
