package io.caracal.cli.agent;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.ratelimit.RateLimit;
import io.caracal.core.ratelimit.RateLimitStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

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
        Map<UUID, RateLimit> rateLimits = session.bean(RateLimitStore.class).all();
        print(agents.stream().map(a -> AgentView.of(a, Optional.ofNullable(rateLimits.get(a.id())))).toList(), () -> {
            Table table = new Table("AGENT ID", "NAME", "OWNER", "STATUS", "PARENT", "CREATED");
            agents.forEach(a -> table.row(a.id(), a.name(), a.owner(), a.status().label(), a.parentId(), time(a.createdAt())));
            table.print(out());
            out().println("Total: " + agents.size() + " agent(s)");
        });
    }
}
