package io.caracal.core.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What {@code caracal dlq retry} adds to a dead letter's record when it sends it back to its topic: the dead letter
 * it is, the one consumer group it is for, and which retry this is. Every group reads the topic, so the other groups
 * must skip it (they either processed the record or have a dead letter of their own for it), and the group it is for,
 * if it fails again, updates that same dead letter instead of adding one: so retries cannot multiply dead letters.
 */
public record Redelivery(UUID dlqId, String consumerGroup, int retryCount) {
    static final String DLQ_ID_HEADER = "caracal_retry_dlq_id";
    static final String GROUP_HEADER = "caracal_retry_group";
    static final String RETRY_COUNT_HEADER = "caracal_retry_count";
    private static final Set<String> HEADERS = Set.of(DLQ_ID_HEADER, GROUP_HEADER, RETRY_COUNT_HEADER);

    /** The next retry of {@code letter}: for the group that failed it, counted one more. */
    public static Redelivery next(DeadLetter letter) {
        return new Redelivery(letter.dlqId(), letter.consumerGroup(), letter.retryCount() + 1);
    }

    /** The redelivery {@code record} carries, if it was sent back by a retry. */
    static Optional<Redelivery> of(ConsumedRecord record) {
        String dlqId = record.header(DLQ_ID_HEADER);
        String group = record.header(GROUP_HEADER);
        String count = record.header(RETRY_COUNT_HEADER);
        if (dlqId == null || group == null || count == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Redelivery(UUID.fromString(dlqId), group, Integer.parseInt(count)));
        } catch (IllegalArgumentException e) {
            // Not headers our retry wrote (anyone can produce to the topic): an ordinary record, which every
            // group processes, rather than one that fails every batch it is in.
            return Optional.empty();
        }
    }

    /** Whether {@code group} should process {@code record}: every record but another group's retry. */
    static boolean isFor(ConsumedRecord record, String group) {
        return of(record).map(redelivery -> redelivery.consumerGroup().equals(group)).orElse(true);
    }

    /** {@code record} as it was before any retry, so a dead letter keeps the original record and not our headers. */
    static ConsumedRecord original(ConsumedRecord record) {
        Map<String, byte[]> headers = new HashMap<>(record.headers());
        headers.keySet().removeAll(HEADERS);
        return new ConsumedRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value(), headers, record.timestamp());
    }

    /** The headers to add to the original record's. */
    public Map<String, byte[]> headers() {
        return Map.of(DLQ_ID_HEADER, bytes(dlqId.toString()), GROUP_HEADER, bytes(consumerGroup),
                RETRY_COUNT_HEADER, bytes(Integer.toString(retryCount)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
