package io.caracal.cli.replay;

import io.caracal.cli.kafka.KafkaAdmin;
import io.caracal.core.audit.AuditWriter;
import io.caracal.core.error.ConflictException;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.error.KafkaFailureException;
import io.caracal.core.event.Topics;
import io.caracal.core.ledger.LedgerSnapshot;
import io.caracal.core.ledger.LedgerWriter;
import io.caracal.core.spend.SpendAggregator;
import io.caracal.core.pipeline.OffsetReplayStore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends consumer groups back to a point in time by moving their committed offsets, and measures how far they have
 * come since. Where a partition has no record at or after that time, the group goes to the partition's end
 * (nothing to replay there): v0.3 went to offset 0 and replayed the whole partition.
 */
public final class Replays {
    /** The groups Caracal runs, and the topics each reads. */
    public static final Map<String, List<String>> GROUP_TOPICS = groupTopics();

    private final KafkaAdmin kafka;

    public Replays(KafkaAdmin kafka) {
        this.kafka = kafka;
    }

    private static Map<String, List<String>> groupTopics() {
        Map<String, List<String>> topics = new LinkedHashMap<>();
        topics.put(LedgerWriter.GROUP, List.of(Topics.METERING));
        topics.put(SpendAggregator.GROUP, List.of(Topics.METERING));
        topics.put(AuditWriter.GROUP, Topics.ALL.stream().filter(t -> !t.equals(Topics.DLQ)).toList());
        return topics;
    }

    static List<String> topicsOf(String group) {
        List<String> topics = GROUP_TOPICS.get(group);
        if (topics == null) {
            throw new InvalidInputException("unknown consumer group '" + group + "' (one of " + String.join(", ", GROUP_TOPICS.keySet()) + ")");
        }
        return topics;
    }

    /** Refuses unless every group is stopped: Kafka lets only an empty group's offsets be moved. */
    void requireStopped(List<String> groups) {
        for (String group : groups) {
            int members = kafka.activeMembers(group);
            if (members > 0) {
                throw stillRunning(group, members + " active member(s)");
            }
        }
    }

    /** Where {@code group} must start on each partition to re-read everything from {@code from}, and where each ends now. */
    List<OffsetReplayStore.Position> plan(String group, Instant from) {
        List<TopicPartition> partitions = kafka.partitions(topicsOf(group));
        Map<TopicPartition, Long> atTime = kafka.offsetsForTime(partitions, from.toEpochMilli());
        return positions(partitions, (p, end) -> {
            long start = atTime.getOrDefault(p, -1L);
            return start < 0 ? end : start;
        });
    }

    /** Where every pipeline group stands now: its committed offset on each partition of the topics it reads. */
    public List<LedgerSnapshot.GroupOffset> committedOffsets() {
        List<LedgerSnapshot.GroupOffset> offsets = new ArrayList<>();
        GROUP_TOPICS.forEach((group, topics) -> kafka.committed(group).forEach((p, offset) -> {
            if (topics.contains(p.topic())) {
                offsets.add(new LedgerSnapshot.GroupOffset(group, p.topic(), p.partition(), offset));
            }
        }));
        return offsets;
    }

    /**
     * Where {@code group} must start on each partition to re-read everything after a snapshot: the offset it had
     * committed then, or the partition's first record where it had committed nothing. An offset outside what the
     * partition holds now (records deleted by retention, or a recreated topic) is brought within it, as Kafka would.
     * The metrics group starts no later than the ledger group: a restore rebuilds the spend buckets from the ledger,
     * so a record the metrics group had counted but the ledger had not yet written must be counted again.
     */
    List<OffsetReplayStore.Position> plan(String group, List<LedgerSnapshot.GroupOffset> snapshot) {
        List<TopicPartition> partitions = kafka.partitions(topicsOf(group));
        Map<TopicPartition, Long> beginnings = kafka.beginningOffsets(partitions);
        Map<TopicPartition, Long> recorded = new HashMap<>();
        snapshot.stream().filter(o -> o.consumerGroup().equals(group))
                .forEach(o -> recorded.put(new TopicPartition(o.topic(), o.partition()), o.offset()));
        if (group.equals(SpendAggregator.GROUP)) {
            snapshot.stream().filter(o -> o.consumerGroup().equals(LedgerWriter.GROUP))
                    .forEach(o -> recorded.computeIfPresent(new TopicPartition(o.topic(), o.partition()), (p, own) -> Math.min(own, o.offset())));
        }
        return positions(partitions, (p, end) -> Math.min(end, Math.max(beginnings.get(p), recorded.getOrDefault(p, 0L))));
    }

    /** Each partition's start, chosen by {@code start} from the partition and its end now, with that end. */
    private List<OffsetReplayStore.Position> positions(List<TopicPartition> partitions, java.util.function.BiFunction<TopicPartition, Long, Long> start) {
        Map<TopicPartition, Long> ends = kafka.endOffsets(partitions);
        List<OffsetReplayStore.Position> positions = new ArrayList<>();
        for (TopicPartition p : partitions) {
            long end = ends.get(p);
            positions.add(new OffsetReplayStore.Position(p.topic(), p.partition(), start.apply(p, end), end));
        }
        return positions;
    }

    void move(String group, List<OffsetReplayStore.Position> positions) {
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        positions.forEach(p -> offsets.put(new TopicPartition(p.topic(), p.partition()), p.startOffset()));
        try {
            kafka.alterOffsets(group, offsets);
        } catch (KafkaFailureException e) {
            // A consumer joined between the check and the move.
            if (e.getCause() instanceof GroupNotEmptyException || e.getCause() instanceof UnknownMemberIdException) {
                throw stillRunning(group, "a consumer that joined just now");
            }
            throw e;
        }
    }

    private static ConflictException stillRunning(String group, String what) {
        return new ConflictException("consumer group " + group + " has " + what + ": stop its consumers first, then start the replay"
                + " (Kafka moves the offsets of a stopped group only)");
    }

    /** How far a replay has come: events between its start and end offsets that the group has committed past. */
    record Progress(long toReplay, long replayed) {
        static Progress of(List<OffsetReplayStore.Position> positions, Map<TopicPartition, Long> committed) {
            long total = 0;
            long done = 0;
            for (OffsetReplayStore.Position p : positions) {
                long size = Math.max(0, p.endOffset() - p.startOffset());
                long position = committed.getOrDefault(new TopicPartition(p.topic(), p.partition()), p.startOffset());
                total += size;
                done += Math.min(size, Math.max(0, position - p.startOffset()));
            }
            return new Progress(total, done);
        }

        boolean done() {
            return replayed >= toReplay;
        }

        /** Whole percent, rounded down, so 100 means every event was replayed. */
        long percent() {
            return toReplay == 0 ? 100 : replayed * 100 / toReplay;
        }
    }
}
