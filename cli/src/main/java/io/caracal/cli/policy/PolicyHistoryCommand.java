package io.caracal.cli.policy;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.core.error.Ids;
import io.caracal.core.policy.PolicyVersion;
import io.caracal.core.policy.PolicyStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

@Command(name = "history", mixinStandardHelpOptions = true, description = "Every version of a policy, or of all an agent's policies, oldest first.")
final class PolicyHistoryCommand extends SessionCommand {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--policy-id", required = true, description = "One policy.")
        String policyId;

        @Option(names = "--agent-id", required = true, description = "All policies of an agent.")
        String agentId;
    }

    PolicyHistoryCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        PolicyStore store = session.bean(PolicyStore.class);
        List<PolicyVersion> versions = target.policyId != null
                ? store.history(Ids.parse("policy id", target.policyId))
                : store.historyOfAgent(Ids.parse("agent id", target.agentId));
        print(versions.stream().map(PolicyView.VersionView::of).toList(), () -> {
            Table table = new Table("POLICY ID", "VERSION", "CHANGE", "LIMIT", "TIME WINDOW", "STATUS", "CHANGED AT", "CHANGED BY", "REASON");
            versions.forEach(v -> table.row(v.policy().id(), v.version(), v.changeType().label(), v.policy().limit().display(),
                    PolicyDetails.window(v.policy()), v.policy().active() ? "active" : "inactive", time(v.changedAt()), v.changedBy(),
                    v.changeReason()));
            table.print(out());
            out().println("Total: " + versions.size() + " version(s)");
        });
    }
}
