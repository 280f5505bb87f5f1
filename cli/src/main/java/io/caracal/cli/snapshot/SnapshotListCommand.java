package io.caracal.cli.snapshot;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.core.ledger.SnapshotStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.List;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Ledger snapshots, newest first.")
final class SnapshotListCommand extends SessionCommand {
    @Option(names = "--limit", defaultValue = "20", description = "Show at most this many snapshots (default: ${DEFAULT-VALUE}).")
    int limit;

    SnapshotListCommand(CliSession session) {
        super(session);
    }

    @Override
    protected void run() {
        requireLimit(limit);
        List<SnapshotView> views = session.bean(SnapshotStore.class).list(limit).stream().map(SnapshotView::of).toList();
        print(views, () -> {
            if (views.isEmpty()) {
                out().println("No snapshots yet.");
                return;
            }
            Table table = new Table("SNAPSHOT ID", "TIMESTAMP", "TOTAL EVENTS", "MERKLE ROOT", "SIZE");
            views.forEach(v -> table.row(v.snapshotId(), time(Instant.parse(v.timestamp())), String.format("%,d", v.totalEvents()),
                    "0x" + v.merkleRoot().substring(0, 16) + "...", v.size()));
            table.print(out());
        });
    }
}
