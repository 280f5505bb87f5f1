package io.caracal.cli.snapshot;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.kafka.KafkaAdmin;
import io.caracal.cli.replay.Replays;
import io.caracal.core.ledger.LedgerSnapshot;
import io.caracal.core.ledger.SnapshotStore;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import picocli.CommandLine.Command;

import java.time.Instant;
import java.util.List;

@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Snapshot the ledger at its latest signed checkpoint: the per-agent totals of the events it covers and the committed"
                + " offsets of the ledger, metrics and audit consumer groups (read first, so every record before them is in the ledger).")
final class SnapshotCreateCommand extends SessionCommand {
    SnapshotCreateCommand(CliSession session) {
        super(session);
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record TotalView(String agentId, String currency, long eventCount, String amount) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record OffsetView(String consumerGroup, String topic, int partition, long committedOffset) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    record CreatedView(SnapshotView snapshot, List<TotalView> totals, List<OffsetView> offsets) {
    }

    @Override
    protected void run() {
        List<LedgerSnapshot.GroupOffset> offsets;
        try (KafkaAdmin kafka = new KafkaAdmin(session.kafkaConnection())) {
            offsets = new Replays(kafka).committedOffsets();
        }
        SnapshotStore.Created created = session.bean(SnapshotStore.class).create(offsets);
        SnapshotView snapshot = SnapshotView.of(created.snapshot());
        CreatedView view = new CreatedView(snapshot, created.totals().stream().map(t -> new TotalView(t.agentId().toString(), t.currency(),
                t.eventCount(), t.amount().toPlainString())).toList(),
                offsets.stream().map(o -> new OffsetView(o.consumerGroup(), o.topic(), o.partition(), o.offset())).toList());
        print(view, () -> {
            out().println("Snapshot created successfully:");
            field("Snapshot ID", snapshot.snapshotId());
            field("Timestamp", time(Instant.parse(snapshot.timestamp())));
            field("Total Events", String.format("%,d", snapshot.totalEvents()));
            field("Merkle Root", "0x" + snapshot.merkleRoot());
            field("Size", snapshot.size());
            field("Checkpoint", snapshot.batchId() + " (tree size " + snapshot.treeSize() + ")");
            field("Agents", view.totals().stream().map(TotalView::agentId).distinct().count());
            field("Consumer Offsets", view.offsets().size() + " partition(s) of " + view.offsets().stream().map(OffsetView::consumerGroup)
                    .distinct().count() + " group(s)");
        });
    }
}
