package io.caracal.cli.agent;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.agent.AgentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Optional;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List agents.")
final class AgentListCommand extends SessionCommand {
    @Option(names = "--status", description = "Only agents with this status: active or suspended.")
    AgentStatus status;

    AgentListCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        List<Agent> agents = session.bean(AgentStore.class).list(Optional.ofNullable(status));
        print(agents.stream().map(AgentView::of).toList(), () -> {
            Table table = new Table("AGENT ID", "NAME", "OWNER", "STATUS", "PARENT", "CREATED");
            agents.forEach(a -> table.row(a.id(), a.name(), a.owner(), a.status().label(), a.parentId(), time(a.createdAt())));
            table.print(out());
            out().println("Total: " + agents.size() + " agent(s)");
        });
    }
}
