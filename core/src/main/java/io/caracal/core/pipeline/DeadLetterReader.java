package io.caracal.core.pipeline;

import io.caracal.core.event.EventCodec;
import io.caracal.core.event.EventSchemas;
import io.caracal.core.event.InvalidEventException;
import io.caracal.core.event.KafkaConnection;
import io.caracal.core.event.TopicReader;
import io.caracal.core.event.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the {@value Topics#DLQ} topic as it is when reading starts ({@link TopicReader}).
 * <p>
 * The topic is append-only: a record that fails again after {@code caracal dlq retry} is written again under the same
 * dlq id with a higher retry count. The queue is the latest of each: one dead letter per record and consumer group.
 * (A compacted topic keyed by dlq id would not spare this: compaction runs late and only on closed segments.)
 */
public final class DeadLetterReader {
    private static final Duration READ_DEADLINE = Duration.ofSeconds(30);

    private DeadLetterReader() {
    }

    /** Every dead letter, at its latest retry, up to the end of the queue as it was when reading began, and the records that could not be read. */
    public record Contents(List<DeadLetter> letters, List<String> unreadable) {
    }

    public static Contents read(KafkaConnection connection) {
        // The CLI's SCHEMA_REGISTRY_URL, for dead letters written in the registry's framing (a consumer's comes from its configuration).
        connection.schemaRegistry().ifPresent(EventCodec::resolveSchemaIdsWith);
        Map<UUID, DeadLetter> letters = new HashMap<>();
        List<String> unreadable = new ArrayList<>();
        TopicReader.readToEnd(connection, Topics.DLQ, READ_DEADLINE, record -> decode(record, letters, unreadable));
        List<DeadLetter> latest = new ArrayList<>(letters.values());
        latest.sort(java.util.Comparator.comparing(DeadLetter::failedAt));
        return new Contents(latest, unreadable);
    }

    private static void decode(ConsumerRecord<String, byte[]> record, Map<UUID, DeadLetter> letters, List<String> unreadable) {
        var fingerprint = record.headers().lastHeader(EventCodec.FINGERPRINT_HEADER);
        try {
            DeadLetter letter = DeadLetter.from(EventCodec.decode(record.value(),
                    fingerprint == null ? null : new String(fingerprint.value(), StandardCharsets.UTF_8), EventSchemas.DEAD_LETTER));
            letters.merge(letter.dlqId(), letter, (before, after) -> after.retryCount() >= before.retryCount() ? after : before);
        } catch (InvalidEventException | IllegalArgumentException e) {
            unreadable.add(record.topic() + "-" + record.partition() + "@" + record.offset() + ": " + e.getMessage());
        }
    }
}
