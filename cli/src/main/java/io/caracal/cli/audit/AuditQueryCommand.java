package io.caracal.cli.audit;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.cli.Times;
import io.caracal.core.audit.AuditEntry;
import io.caracal.core.error.Ids;
import io.caracal.core.audit.AuditStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

@Command(name = "query", mixinStandardHelpOptions = true, description = "Audit log rows, oldest first, filtered by time, event type and agent.")
final class AuditQueryCommand extends SessionCommand {
    @Option(names = "--start-time", paramLabel = "TIME", description = "Only events that happened at or after this time: " + Times.FORMS + ".")
    String startTime;

    @Option(names = "--end-time", paramLabel = "TIME", description = "Only events that happened before this time (same forms).")
    String endTime;

    @Option(names = "--event-type", paramLabel = "TYPE",
            description = "Only these kinds of event, comma-separated: metering_event, policy_decision, agent_lifecycle, policy_change"
                    + " (or MeteringEvent, ..., any case).")
    String eventType;

    @Option(names = "--agent-id", paramLabel = "ID", description = "Only events about this agent.")
    String agentId;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "At most this many rows, 1 to " + MAX_LIMIT + " (default: ${DEFAULT-VALUE}).")
    int limit;

    AuditQueryCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        List<AuditEntry> rows = session.bean(AuditStore.class).query(query());
        print(rows.stream().map(AuditView::of).toList(), () -> {
            Table table = new Table("SEQ", "TIME", "TOPIC", "EVENT TYPE", "EVENT ID", "AGENT ID");
            rows.forEach(e -> table.row(e.seq(), time(e.occurredAt()), e.topic(), AuditView.shortType(e.eventType()), e.eventId(), e.agentId()));
            table.print(out());
            out().println("Total: " + rows.size() + " row(s)");
        });
    }

    private AuditStore.Query query() {
        Instant now = session.bean(Clock.class).instant();
        Instant from = Times.parseOptional("start-time", startTime, now);
        Instant to = Times.parseOptional("end-time", endTime, now);
        Times.requireOrdered(from, to);
        requireBoundedLimit(limit);
        Set<String> types = eventType == null ? Set.of() : AuditEventTypes.parse(eventType);
        return new AuditStore.Query(from, to, types, agentId == null ? null : Ids.parse("agent id", agentId), limit);
    }
}
