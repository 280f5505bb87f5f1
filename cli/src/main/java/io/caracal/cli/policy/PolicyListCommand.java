package io.caracal.cli.policy;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.core.error.Ids;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.PolicyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Optional;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List active policies, of one agent or of all.")
final class PolicyListCommand extends SessionCommand {
    @Option(names = "--agent-id", description = "Only this agent's policies.")
    String agentId;

    @Option(names = "--include-inactive", description = "Also list deactivated policies.")
    boolean includeInactive;

    PolicyListCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        List<BudgetPolicy> policies = session.bean(PolicyStore.class)
                .list(Optional.ofNullable(agentId).map(id -> Ids.parse("agent id", id)), includeInactive);
        print(policies.stream().map(PolicyView::of).toList(), () -> {
            Table table = new Table("POLICY ID", "AGENT ID", "LIMIT", "TIME WINDOW", "TIME ZONE", "DELEGATED FROM", "STATUS");
            policies.forEach(p -> table.row(p.id(), p.agentId(), p.limit().display(), PolicyDetails.window(p), p.timeZone(),
                    p.delegatedFrom(), p.active() ? "active" : "inactive"));
            table.print(out());
            out().println("Total: " + policies.size() + " policy(ies)");
        });
    }
}
