package io.caracal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.event.KafkaTopics;
import io.caracal.core.event.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kafka commands against the shared embedded broker; each test that needs a quiet topic makes its own. */
class CliKafkaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static CliRunner cli;

    @BeforeAll
    static void setUp() {
        cli = new CliRunner("cli_kafka").withKafka();
    }

    private static JsonNode json(String... args) throws Exception {
        CliRunner.Result result = cli.run(args);
        assertEquals(0, result.exitCode(), result::toString);
        return JSON.readTree(result.out());
    }

    @Test
    void createTopicsCreatesWhatIsMissingAndIsIdempotent() throws Exception {
        Set<String> before;
        try (Admin admin = KafkaFixture.admin()) {
            before = KafkaTopics.await(admin.listTopics().names());
        }
        JsonNode first = json("kafka", "create-topics", "--partitions", "2", "-o", "json");
        assertEquals(Topics.ALL.size(), first.get("topics").size());
        for (JsonNode topic : first.get("topics")) {
            String name = topic.get("topic").asText();
            assertEquals(before.contains(name) ? "exists" : "created", topic.get("status").asText(), name);
            if (!before.contains(name)) {
                assertEquals(2, json("kafka", "describe-topic", "--topic", name, "-o", "json").get("partitions").asInt(), name);
            }
        }
        assertTrue(first.get("replication_factor").isNull(), "no replication factor of our own: the broker's default applies " + first);
        JsonNode second = json("kafka", "create-topics", "--partitions", "2", "-o", "json");
        second.get("topics").forEach(t -> assertEquals("exists", t.get("status").asText(), t.toString()));

        CliRunner.Result text = cli.run("kafka", "list-topics");
        Topics.ALL.forEach(t -> assertTrue(text.out().contains(t), text::toString));
    }

    @Test
    void sharedTopicCreationAppliesPartitionsAndConfigsOnlyOnce() throws Exception {
        String topic = "created-" + java.util.UUID.randomUUID();
        KafkaTopics.Spec spec = new KafkaTopics.Spec(4, (short) 1, 1, 3_600_000L);
        try (Admin admin = KafkaFixture.admin()) {
            assertEquals(List.of(new KafkaTopics.Outcome(topic, true)), KafkaTopics.ensure(admin, List.of(topic), spec));
            assertEquals(List.of(new KafkaTopics.Outcome(topic, false)), KafkaTopics.ensure(admin, List.of(topic), spec));
            TopicDescription description = KafkaTopics.await(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
            assertEquals(4, description.partitions().size());
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            assertEquals("3600000", KafkaTopics.await(admin.describeConfigs(List.of(resource)).all()).get(resource).get("retention.ms").value());
        }
        JsonNode described = json("kafka", "describe-topic", "--topic", topic, "-o", "json");
        assertEquals("3600000", described.get("configs").get("retention.ms").asText());
        assertEquals(4, described.get("partition_details").size());
        assertEquals(1, described.get("partition_details").get(0).get("isr").size());
    }

    @Test
    void describeTopicShowsEndOffsetsAndRefusesAnUnknownTopic() throws Exception {
        String topic = KafkaFixture.newTopic("described", 2);
        try (KafkaProducer<String, byte[]> producer = KafkaFixture.producer()) {
            for (int i = 0; i < 3; i++) {
                KafkaFixture.send(producer, new ProducerRecord<>(topic, 1, "k", new byte[] {1}));
            }
        }
        JsonNode described = json("kafka", "describe-topic", "--topic", topic, "-o", "json");
        assertEquals(0, described.get("partition_details").get(0).get("end_offset").asLong());
        assertEquals(3, described.get("partition_details").get(1).get("end_offset").asLong());

        CliRunner.Result unknown = cli.run("kafka", "describe-topic", "--topic", "no-such-topic-" + System.nanoTime());
        assertEquals(1, unknown.exitCode(), unknown::toString);
        assertEquals(1, unknown.err().lines().count(), unknown::toString);
        assertTrue(unknown.err().startsWith("Error: topic not found: no-such-topic-"), unknown::toString);
    }

    @Test
    void consumerLagIsEndMinusCommittedPerPartition() throws Exception {
        String topic = KafkaFixture.newTopic("lagging", 2);
        String group = "lag-group-" + System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = KafkaFixture.producer()) {
            for (int i = 0; i < 5; i++) {
                KafkaFixture.send(producer, new ProducerRecord<>(topic, 0, "k", new byte[] {(byte) i}));
            }
            for (int i = 0; i < 3; i++) {
                KafkaFixture.send(producer, new ProducerRecord<>(topic, 1, "k", new byte[] {(byte) i}));
            }
        }
        KafkaFixture.commit(group, Map.of(new TopicPartition(topic, 0), 2L, new TopicPartition(topic, 1), 3L));

        JsonNode lag = json("kafka", "consumer-lag", "--consumer-group", group, "-o", "json");
        assertEquals(3, lag.get("total_lag").asLong());
        Map<Integer, Long> perPartition = new HashMap<>();
        lag.get("partitions").forEach(p -> perPartition.put(p.get("partition").asInt(), p.get("lag").asLong()));
        assertEquals(Map.of(0, 3L, 1, 0L), perPartition);
        assertTrue(cli.run("kafka", "consumer-lag", "--consumer-group", group).out().contains("Total lag: 3"));

        CliRunner.Result none = cli.run("kafka", "consumer-lag", "--consumer-group", "never-committed-" + System.nanoTime());
        assertEquals(1, none.exitCode(), none::toString);
        assertEquals(1, none.err().lines().count(), none::toString);
    }

    @Test
    void listBrokersShowsTheController() throws Exception {
        JsonNode cluster = json("kafka", "list-brokers", "-o", "json");
        assertEquals(1, cluster.get("brokers").size());
        assertTrue(cluster.get("brokers").get(0).get("controller").asBoolean());
    }

    @Test
    void badInputIsOneLineAndNonZero() {
        assertRefused(1, "partitions must be at least 1", "kafka", "create-topics", "--partitions", "-1");
        assertRefused(1, "min-insync-replicas must be between 1", "kafka", "create-topics", "--replication-factor", "1", "--min-insync-replicas", "2");
        assertRefused(1, "min-insync-replicas needs --replication-factor", "kafka", "create-topics", "--min-insync-replicas", "2");
        assertRefused(1, "replication-factor must be between 1", "kafka", "create-topics", "--replication-factor", "0");
        assertRefused(2, "--topic", "kafka", "describe-topic");
        CliRunner.Result noKafka = cli.runWith(new CliRunner("cli_kafka_none").env(), "kafka", "list-topics");
        assertEquals(1, noKafka.exitCode(), noKafka::toString);
        assertTrue(noKafka.err().contains("KAFKA_BOOTSTRAP_SERVERS"), noKafka::toString);
    }

    static void assertRefused(CliRunner cli, int exit, String part, String... args) {
        CliRunner.Result result = cli.run(args);
        assertEquals(exit, result.exitCode(), result::toString);
        assertEquals("", result.out(), result::toString);
        assertEquals(1, result.err().lines().count(), result::toString);
        assertTrue(result.err().contains(part), () -> "expected '" + part + "' in " + result);
    }

    private static void assertRefused(int exit, String part, String... args) {
        assertRefused(cli, exit, part, args);
    }
}
