package io.caracal.cli.replay;

import io.caracal.cli.CliSession;
import io.caracal.cli.SessionCommand;
import io.caracal.cli.Table;
import io.caracal.cli.Times;
import io.caracal.cli.kafka.KafkaAdmin;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.store.ReplayStore;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Re-process events from a point in time by moving consumer groups' committed offsets back. Safe: every consumer"
                + " deduplicates by event id, so a replayed event is applied once. The groups' consumers must be stopped first.",
        subcommands = {ReplayCommand.Start.class, ReplayCommand.Status.class})
public final class ReplayCommand {

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record PositionView(String topic, int partition, long startOffset, long endOffset) {
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record StartedView(String replayId, String consumerGroup, String fromTimestamp, long eventsToReplay, List<PositionView> positions) {
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Send consumer groups back to --from-timestamp: each partition restarts at its first record at or after that time,"
                    + " or at its end when it has none (nothing to replay). Refused while a group has active consumers.")
    static final class Start extends SessionCommand {
        @Option(names = "--from-timestamp", required = true, paramLabel = "TIME", description = "ISO-8601 UTC, e.g. 2026-02-03T00:00:00Z.")
        String fromTimestamp;

        @Option(names = "--consumer-group", paramLabel = "GROUP",
                description = "Repeatable; default: all of ledger-writer-group, metrics-aggregator-group, audit-logger-group.")
        List<String> groups;

        Start(CliSession session) {
            super(session);
        }

        @Override
        protected void run() {
            Instant from = Times.parseOptional("from-timestamp", fromTimestamp); // required, so never null
            List<String> chosen = groups == null || groups.isEmpty() ? List.copyOf(Replays.GROUP_TOPICS.keySet()) : List.copyOf(groups);
            chosen.forEach(Replays::topicsOf);
            ReplayStore store = session.bean(ReplayStore.class);
            List<StartedView> started = new ArrayList<>();
            try (KafkaAdmin kafka = new KafkaAdmin(session.kafkaConnection())) {
                Replays replays = new Replays(kafka);
                // Check every group before moving any, so a refusal leaves all of them as they were.
                replays.requireStopped(chosen);
                for (String group : chosen) {
                    List<ReplayStore.Position> positions = replays.plan(group, from);
                    replays.move(group, positions);
                    ReplayStore.Replay replay = store.record(group, from, positions);
                    started.add(new StartedView(replay.id().toString(), group, from.toString(),
                            Replays.Progress.of(positions, Map.of()).toReplay(),
                            positions.stream().map(p -> new PositionView(p.topic(), p.partition(), p.startOffset(), p.endOffset())).toList()));
                }
            }
            print(started, () -> {
                for (StartedView s : started) {
                    out().println("Replay " + s.replayId() + " started for " + s.consumerGroup() + " from " + s.fromTimestamp() + ": "
                            + s.eventsToReplay() + " event(s) to replay");
                    Table table = new Table("TOPIC", "PARTITION", "FROM OFFSET", "END OFFSET");
                    s.positions().forEach(p -> table.row(p.topic(), p.partition(), p.startOffset(), p.endOffset()));
                    table.print(out());
                }
                out().println("Start the consumers again; `caracal replay status` shows their progress.");
            });
        }
    }

    @Serdeable(naming = SnakeCaseStrategy.class)
    public record StatusView(String replayId, String consumerGroup, String fromTimestamp, String startedAt, long eventsToReplay, long replayed,
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
            if (limit < 1) {
                throw new InvalidInputException("limit must be at least 1, got " + limit);
            }
            List<ReplayStore.Replay> replays = session.bean(ReplayStore.class).recent(limit);
            List<StatusView> views = new ArrayList<>();
            if (!replays.isEmpty()) {
                try (KafkaAdmin kafka = new KafkaAdmin(session.kafkaConnection())) {
                    Map<String, Map<TopicPartition, Long>> committed = new HashMap<>();
                    for (ReplayStore.Replay r : replays) {
                        Replays.Progress progress = Replays.Progress.of(r.positions(),
                                committed.computeIfAbsent(r.consumerGroup(), kafka::committed));
                        views.add(new StatusView(r.id().toString(), r.consumerGroup(), String.valueOf(r.fromTimestamp()),
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
                views.forEach(v -> table.row(v.replayId(), v.consumerGroup(), v.fromTimestamp(), time(Instant.parse(v.startedAt())),
                        v.eventsToReplay(), v.replayed(), v.percent() + "%", v.state()));
                table.print(out());
            });
        }
    }
}
