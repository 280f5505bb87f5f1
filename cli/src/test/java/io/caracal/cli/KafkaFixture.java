package io.caracal.cli;

import io.caracal.core.event.KafkaConnection;
import io.caracal.core.event.KafkaTopics;
import io.caracal.embedded.SharedServices;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Direct access to the shared embedded Kafka, to set up what the CLI commands under test then look at. */
final class KafkaFixture {
    private KafkaFixture() {
    }

    static KafkaConnection connection() {
        return KafkaConnection.fromEnvironment(Map.of("KAFKA_BOOTSTRAP_SERVERS", SharedServices.kafka().bootstrapServers()));
    }

    static Admin admin() {
        return Admin.create(connection().clientProperties());
    }

    /** A new topic no other test uses. */
    static String newTopic(String prefix, int partitions) {
        String topic = prefix + "-" + UUID.randomUUID();
        try (Admin admin = admin()) {
            KafkaTopics.ensure(admin, List.of(topic), KafkaTopics.Spec.partitions(partitions));
        }
        return topic;
    }

    static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(new HashMap<>(connection().clientProperties()), new StringSerializer(), new ByteArraySerializer());
    }

    static RecordMetadata send(KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record) {
        try {
            return producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A consumer with no group, for reading a topic back. */
    static KafkaConsumer<String, byte[]> reader() {
        Map<String, Object> config = new HashMap<>(connection().clientProperties());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Commits offsets for {@code group} as its consumer would after processing, then leaves the group. */
    static void commit(String group, Map<TopicPartition, Long> offsets) {
        Map<String, Object> config = new HashMap<>(connection().clientProperties());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            offsets.forEach((p, o) -> commits.put(p, new OffsetAndMetadata(o)));
            consumer.commitSync(commits);
        }
    }

    static Map<TopicPartition, Long> committed(String group) {
        try (Admin admin = admin()) {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            KafkaTopics.await(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()).forEach((p, o) -> offsets.put(p, o.offset()));
            return offsets;
        }
    }
}
