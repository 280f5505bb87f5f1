package io.caracal.core.pipeline;

import io.caracal.core.error.KafkaFailureException;
import io.caracal.core.event.EventCodec;
import io.caracal.core.event.EventSchemas;
import io.caracal.core.event.InvalidEventException;
import io.caracal.core.event.KafkaConnection;
import io.caracal.core.event.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the {@value Topics#DLQ} topic as it is when reading starts. It uses no consumer group and commits nothing,
 * so it never moves anyone's position.
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
        Map<String, Object> config = new HashMap<>(connection.clientProperties());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        Map<UUID, DeadLetter> letters = new HashMap<>();
        List<String> unreadable = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DLQ).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Read to where the queue ended at the start: dead letters arriving meanwhile wait for the next look.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plus(READ_DEADLINE);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new KafkaFailureException("could not read " + Topics.DLQ + " to its end within " + READ_DEADLINE.toSeconds() + " s", null);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        decode(record, letters, unreadable);
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new KafkaFailureException("Kafka at " + connection + ": " + e.getMessage(), e);
        }
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
