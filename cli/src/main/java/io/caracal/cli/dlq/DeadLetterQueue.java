package io.caracal.cli.dlq;

import io.caracal.core.error.KafkaFailureException;
import io.caracal.core.event.EventCodec;
import io.caracal.core.event.EventSchemas;
import io.caracal.core.event.InvalidEventException;
import io.caracal.core.event.KafkaConnection;
import io.caracal.core.event.Topics;
import io.caracal.core.pipeline.ConsumedRecord;
import io.caracal.core.pipeline.DeadLetter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the {@value Topics#DLQ} topic as it is when the command starts, and sends dead letters back to where they
 * came from. Reading uses no consumer group and commits nothing, so it never moves anyone's position.
 */
final class DeadLetterQueue {
    private static final Duration READ_DEADLINE = Duration.ofSeconds(30);

    private final KafkaConnection connection;

    DeadLetterQueue(KafkaConnection connection) {
        this.connection = connection;
    }

    /** Every dead letter up to the end of the queue as it was when reading began, and the records that could not be read. */
    record Contents(List<DeadLetter> letters, List<String> unreadable) {
    }

    Contents read() {
        Map<String, Object> config = new HashMap<>(connection.clientProperties());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        List<DeadLetter> letters = new ArrayList<>();
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
        letters.sort(java.util.Comparator.comparing(DeadLetter::failedAt));
        return new Contents(letters, unreadable);
    }

    private static void decode(ConsumerRecord<String, byte[]> record, List<DeadLetter> letters, List<String> unreadable) {
        var fingerprint = record.headers().lastHeader(EventCodec.FINGERPRINT_HEADER);
        try {
            letters.add(DeadLetter.from(EventCodec.decode(record.value(),
                    fingerprint == null ? null : new String(fingerprint.value(), StandardCharsets.UTF_8), EventSchemas.DEAD_LETTER)));
        } catch (InvalidEventException | IllegalArgumentException e) {
            unreadable.add(record.topic() + "-" + record.partition() + "@" + record.offset() + ": " + e.getMessage());
        }
    }

    /** Sends dead letters' original records (key, value and headers as they were) back to their topics. */
    final class Resender implements AutoCloseable {
        private final KafkaProducer<String, byte[]> producer;

        Resender() {
            Map<String, Object> config = new HashMap<>(connection.clientProperties());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
            producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        }

        /** Returns once every in-sync replica has the record; its new position, "topic-partition@offset". */
        String resend(DeadLetter letter) {
            ConsumedRecord original = letter.original();
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(original.topic(), original.key(), original.value());
            original.headers().forEach((name, value) -> record.headers().add(name, value));
            try {
                RecordMetadata sent = producer.send(record).get(30, TimeUnit.SECONDS);
                return sent.topic() + "-" + sent.partition() + "@" + sent.offset();
            } catch (ExecutionException | TimeoutException e) {
                throw new KafkaFailureException("Kafka did not take dead letter " + letter.dlqId() + ": "
                        + (e.getCause() == null ? e.toString() : e.getCause().getMessage()), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaFailureException("interrupted while retrying dead letter " + letter.dlqId(), e);
            }
        }

        @Override
        public void close() {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
