package io.caracal.core.pipeline;

import io.caracal.core.event.InvalidEventException;
import io.caracal.core.event.KafkaTopics;
import io.caracal.embedded.SharedServices;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A container consumer's batch on a real broker: committed after it ran, and a shutdown's wake-up arriving while the
 * batch is handled ends the poll loop instead of being taken for a failed batch (which kept the audit function from
 * stopping on SIGTERM: micronaut-kafka's close spun until its loop saw the wake-up, and never did).
 */
class KafkaBatchesTest {
    private static final String BOOTSTRAP = SharedServices.kafka().bootstrapServers();

    /** Processes every record, keeping what it saw. */
    private static final class Recording implements EventProcessor {
        final List<ConsumedRecord> seen = new ArrayList<>();

        @Override
        public String consumerGroup() {
            return "kafka-batches-test";
        }

        @Override
        public Map<ConsumedRecord, InvalidEventException> process(List<ConsumedRecord> records) {
            seen.addAll(records);
            return Map.of();
        }
    }

    private static BatchRunner runner(EventProcessor processor) {
        DeadLetterSink none = letters -> {
            throw new AssertionError("nothing here is dead-lettered: " + letters);
        };
        return new BatchRunner(processor, none, BatchRunner.Retry.standard(), Clock.systemUTC(), new SimpleMeterRegistry());
    }

    private static String topicWithTwoRecords() {
        String topic = "kafka-batches-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", BOOTSTRAP))) {
            KafkaTopics.ensure(admin, List.of(topic), KafkaTopics.Spec.partitions(1));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", BOOTSTRAP),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "a", "one".getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(topic, "b", "two".getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }
        return topic;
    }

    private static KafkaConsumer<String, byte[]> consumer(String topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP,
                ConsumerConfig.GROUP_ID_CONFIG, "kafka-batches-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static List<ConsumerRecord<String, byte[]>> pollBoth(KafkaConsumer<String, byte[]> consumer) {
        List<ConsumerRecord<String, byte[]>> polled = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (polled.size() < 2 && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(polled::add);
        }
        assertEquals(2, polled.size(), "both records polled within a minute");
        return polled;
    }

    @Test
    void aBatchIsCommittedAfterItRan() {
        String topic = topicWithTwoRecords();
        Recording processor = new Recording();
        try (KafkaConsumer<String, byte[]> consumer = consumer(topic)) {
            KafkaBatches.handle(pollBoth(consumer), consumer, runner(processor));
            assertEquals(2, processor.seen.size());
            OffsetAndMetadata committed = consumer.committed(Set.of(new TopicPartition(topic, 0))).get(new TopicPartition(topic, 0));
            assertEquals(2, committed.offset());
        }
    }

    @Test
    void aShutdownWakeUpDuringTheBatchReachesThePollLoop() {
        String topic = topicWithTwoRecords();
        Recording processor = new Recording();
        try (KafkaConsumer<String, byte[]> consumer = consumer(topic)) {
            List<ConsumerRecord<String, byte[]>> polled = pollBoth(consumer);
            consumer.wakeup(); // what micronaut-kafka's shutdown does while the listener runs the batch
            assertThrows(WakeupException.class, () -> KafkaBatches.handle(polled, consumer, runner(processor)));
            assertEquals(2, processor.seen.size(), "the batch ran; the wake-up cut short what followed it");
        }
    }
}
