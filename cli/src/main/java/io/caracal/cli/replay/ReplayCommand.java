package io.caracal.cli.replay;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.cli.Times;
import io.caracal.cli.kafka.KafkaAdmin;
import io.caracal.cli.snapshot.Snapshots;
import io.caracal.core.ledger.LedgerSnapshot;
import io.caracal.core.pipeline.OffsetReplayStore;
import io.caracal.core.ledger.SnapshotStore;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-process events from a point in time or a ledger snapshot by moving consumer groups' committed offsets back. Safe: every consumer"
                + " deduplicates by event id, so a replayed event is applied once. The groups' consumers must be stopped first.",
        subcommands = {ReplayCommand.Start.class, ReplayCommand.Status.class})
public final class ReplayCommand {

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record PositionView(String topic, int partition, long startOffset, long endOffset) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record StartedView(String replayId, String consumerGroup, String fromTimestamp, String fromSnapshot, long eventsToReplay,
                              List<PositionView> positions) {
    }

    /** Where a replay starts: a point in time, or the offsets a ledger snapshot recorded. */
    static final class From {
        @Option(names = "--from-timestamp", paramLabel = "TIME", description = Times.FORMS + ".")
        String timestamp;

        @Option(names = "--from-snapshot", paramLabel = "ID",
                description = "A snapshot: " + Snapshots.FORMS + ". Each group goes back to the offsets it had committed when it was taken.")
        String snapshot;
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Send consumer groups back to --from-timestamp (each partition restarts at its first record at or after that time,"
                    + " or at its end when it has none) or to --from-snapshot (the offsets each group had committed when the snapshot was taken)."
                    + " Refused while a group has active consumers.")
    static final class Start extends SessionCommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        From from;

        @Option(names = "--consumer-group", paramLabel = "GROUP",
                description = "Repeatable; default: all of ledger-writer-group, metrics-aggregator-group, audit-logger-group.")
        List<String> groups;

        Start(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            Instant fromTime = Times.parseOptional("from-timestamp", from.timestamp, session.bean(Clock.class).instant());
            SnapshotStore snapshots = session.bean(SnapshotStore.class);
            UUID snapshotId = from.snapshot == null ? null : Snapshots.find(snapshots, from.snapshot).id();
            List<String> chosen = groups == null || groups.isEmpty() ? List.copyOf(Replays.GROUP_TOPICS.keySet()) : List.copyOf(groups);
            chosen.forEach(Replays::topicsOf);
            OffsetReplayStore store = session.bean(OffsetReplayStore.class);
            List<LedgerSnapshot.GroupOffset> snapshotOffsets = snapshotId == null ? List.of() : snapshots.offsets(snapshotId);
            List<StartedView> started = new ArrayList<>();
            try (KafkaAdmin kafka = new KafkaAdmin(session.kafkaConnection())) {
                Replays replays = new Replays(kafka);
                // Check every group before moving any, so a refusal leaves all of them as they were.
                replays.requireStopped(chosen);
                for (String group : chosen) {
                    List<OffsetReplayStore.Position> positions = fromTime != null ? replays.plan(group, fromTime) : replays.plan(group, snapshotOffsets);
                    replays.move(group, positions);
                    OffsetReplayStore.Replay replay = store.record(group, fromTime, snapshotId, positions);
                    started.add(new StartedView(replay.id().toString(), group, Objects.toString(fromTime, null),
                            Objects.toString(snapshotId, null), Replays.Progress.of(positions, Map.of()).toReplay(),
                            positions.stream().map(p -> new PositionView(p.topic(), p.partition(), p.startOffset(), p.endOffset())).toList()));
                }
            }
            print(started, () -> {
                for (StartedView s : started) {
                    out().println("Replay " + s.replayId() + " started for " + s.consumerGroup() + " from "
                            + origin(s.fromTimestamp(), s.fromSnapshot()) + ": " + s.eventsToReplay() + " event(s) to replay");
                    Table table = new Table("TOPIC", "PARTITION", "FROM OFFSET", "END OFFSET");
                    s.positions().forEach(p -> table.row(p.topic(), p.partition(), p.startOffset(), p.endOffset()));
                    table.print(out());
                }
                out().println("Start the consumers again; `caracal replay status` shows their progress.");
            });
        }
    }

    /** What a replay went back to, as the tables show it. */
    static String origin(String fromTimestamp, String fromSnapshot) {
        return fromSnapshot != null ? "snapshot " + fromSnapshot : fromTimestamp;
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record StatusView(String replayId, String consumerGroup, String fromTimestamp, String fromSnapshot, String startedAt, long eventsToReplay, long replayed,
                             long percent, String state) {
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Recent replays, newest first, with how many of their events the group has processed (committed) since.")
    static final class Status extends SessionCommand {
        @Option(names = "--limit", defaultValue = "20", description = "Show at most this many replays (default: ${DEFAULT-VALUE}).")
        int limit;

        Status(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            requireLimit(limit);
            List<OffsetReplayStore.Replay> replays = session.bean(OffsetReplayStore.class).recent(limit);
            List<StatusView> views = new ArrayList<>();
            if (!replays.isEmpty()) {
                try (KafkaAdmin kafka = new KafkaAdmin(session.kafkaConnection())) {
                    Map<String, Map<TopicPartition, Long>> committed = new HashMap<>();
                    for (OffsetReplayStore.Replay r : replays) {
                        Replays.Progress progress = Replays.Progress.of(r.positions(),
                                committed.computeIfAbsent(r.consumerGroup(), kafka::committed));
                        views.add(new StatusView(r.id().toString(), r.consumerGroup(), Objects.toString(r.fromTimestamp(), null),
                                Objects.toString(r.fromSnapshot(), null),
                                r.startedAt().toString(), progress.toReplay(), progress.replayed(), progress.percent(),
                                progress.done() ? "done" : "running"));
                    }
                }
            }
            print(views, () -> {
                if (views.isEmpty()) {
                    out().println("No replays yet.");
                    return;
                }
                Table table = new Table("REPLAY ID", "CONSUMER GROUP", "FROM", "STARTED AT", "TO REPLAY", "REPLAYED", "PERCENT", "STATE");
                views.forEach(v -> table.row(v.replayId(), v.consumerGroup(), origin(v.fromTimestamp(), v.fromSnapshot()), time(Instant.parse(v.startedAt())),
                        v.eventsToReplay(), v.replayed(), v.percent() + "%", v.state()));
                table.print(out());
            });
        }
    }
}
