package io.caracal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.event.KafkaTopics;
import io.caracal.core.event.Topics;
import io.caracal.core.ledger.LedgerWriter;
import io.caracal.core.spend.SpendAggregator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replays against the real consumer groups and metering topic of the shared broker. The topic may already hold
 * records from other tests, so this one's records carry timestamps far in the future and every offset is
 * measured, not assumed.
 */
class CliReplayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static CliRunner cli;

    @BeforeAll
    static void setUp() {
        cli = new CliRunner("cli_replay").withKafka();
        assertEquals(0, cli.run("db", "init").exitCode());
        try (Admin admin = KafkaFixture.admin()) {
            KafkaTopics.ensure(admin, List.of(Topics.METERING), KafkaTopics.Spec.partitions(3));
        }
    }

    private static JsonNode json(String... args) throws Exception {
        CliRunner.Result result = cli.run(args);
        assertEquals(0, result.exitCode(), result::toString);
        return JSON.readTree(result.out());
    }

    private static Map<TopicPartition, Long> meteringEnds() {
        try (Admin admin = KafkaFixture.admin()) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            int partitions = KafkaTopics.await(admin.describeTopics(List.of(Topics.METERING)).allTopicNames()).get(Topics.METERING).partitions().size();
            for (int p = 0; p < partitions; p++) {
                request.put(new TopicPartition(Topics.METERING, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            KafkaTopics.await(admin.listOffsets(request).all()).forEach((p, info) -> ends.put(p, info.offset()));
            return ends;
        }
    }

    private static JsonNode statusOf(String replayId) throws Exception {
        for (JsonNode replay : json("replay", "status", "-o", "json")) {
            if (replay.get("replay_id").asText().equals(replayId)) {
                return replay;
            }
        }
        throw new AssertionError("replay " + replayId + " not in status");
    }

    @Test
    void startMovesAStoppedGroupToTheTimestampAndStatusFollowsItsCommits() throws Exception {
        Instant t0 = Instant.now().plus(3650, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        TopicPartition p0 = new TopicPartition(Topics.METERING, 0);
        List<Long> offsets = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = KafkaFixture.producer()) {
            for (int i = 1; i <= 4; i++) {
                offsets.add(KafkaFixture.send(producer, new ProducerRecord<>(Topics.METERING, 0, t0.plusSeconds(i).toEpochMilli(), "agent",
                        new byte[] {(byte) i})).offset());
            }
        }
        Map<TopicPartition, Long> ends = meteringEnds();
        KafkaFixture.commit(LedgerWriter.GROUP, ends); // a group that has processed everything, then stopped

        JsonNode started = json("replay", "start", "--from-timestamp", t0.plusSeconds(2).toString(), "--consumer-group", LedgerWriter.GROUP,
                "-o", "json").get(0);
        assertEquals(3, started.get("events_to_replay").asLong());
        Map<TopicPartition, Long> expected = new HashMap<>(ends);
        expected.put(p0, offsets.get(1));
        assertEquals(expected, KafkaFixture.committed(LedgerWriter.GROUP));

        String id = started.get("replay_id").asText();
        JsonNode status = statusOf(id);
        assertEquals(3, status.get("events_to_replay").asLong());
        assertEquals(0, status.get("replayed").asLong());
        assertEquals("running", status.get("state").asText());

        KafkaFixture.commit(LedgerWriter.GROUP, Map.of(p0, offsets.get(3)));
        status = statusOf(id);
        assertEquals(2, status.get("replayed").asLong());
        assertEquals(66, status.get("percent").asLong());
        assertEquals("running", status.get("state").asText());

        KafkaFixture.commit(LedgerWriter.GROUP, Map.of(p0, ends.get(p0)));
        status = statusOf(id);
        assertEquals(100, status.get("percent").asLong());
        assertEquals("done", status.get("state").asText());
        assertTrue(cli.run("replay", "status").out().contains(id));
    }

    @Test
    void aTimestampAfterTheLastRecordLeavesTheGroupAtTheEndNotAtZero() throws Exception {
        try (KafkaProducer<String, byte[]> producer = KafkaFixture.producer()) {
            KafkaFixture.send(producer, new ProducerRecord<>(Topics.METERING, 0, "agent", new byte[] {1}));
        }
        Map<TopicPartition, Long> ends = meteringEnds();
        KafkaFixture.commit(LedgerWriter.GROUP, Map.of(new TopicPartition(Topics.METERING, 0), 0L));

        String later = Instant.now().plus(36500, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        JsonNode started = json("replay", "start", "--from-timestamp", later, "--consumer-group", LedgerWriter.GROUP, "-o", "json").get(0);
        assertEquals(0, started.get("events_to_replay").asLong());
        assertEquals(ends, KafkaFixture.committed(LedgerWriter.GROUP));
        assertTrue(ends.get(new TopicPartition(Topics.METERING, 0)) > 0);
    }

    @Test
    void aGroupWithActiveConsumersIsNotMoved() throws Exception {
        Map<String, Object> config = new HashMap<>(KafkaFixture.connection().clientProperties());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, SpendAggregator.GROUP);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.METERING));
            Instant deadline = Instant.now().plusSeconds(30);
            while (consumer.assignment().isEmpty() && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200));
            }
            assertTrue(!consumer.assignment().isEmpty(), "the consumer never joined its group");
            Map<TopicPartition, Long> before = KafkaFixture.committed(SpendAggregator.GROUP);
            long replays = cli.count("event_replays");

            CliKafkaTest.assertRefused(cli, 1, "consumer group " + SpendAggregator.GROUP + " has 1 active member(s): stop its consumers first",
                    "replay", "start", "--from-timestamp", "2026-02-03T00:00:00Z", "--consumer-group", SpendAggregator.GROUP);
            assertEquals(before, KafkaFixture.committed(SpendAggregator.GROUP));
            assertEquals(replays, cli.count("event_replays"));
        }
    }

    @Test
    void badInputIsOneLineAndNonZero() {
        CliKafkaTest.assertRefused(cli, 1, "from-timestamp must be ISO-8601 (2026-01-01T00:00:00Z), a date", "replay", "start", "--from-timestamp", "2026-02-30T00:00:00Z");
        CliKafkaTest.assertRefused(cli, 1, "from-timestamp must be ISO-8601 (2026-01-01T00:00:00Z), a date", "replay", "start", "--from-timestamp", "yesterday");
        CliKafkaTest.assertRefused(cli, 1, "unknown consumer group 'nope'", "replay", "start", "--from-timestamp", "2026-02-03T00:00:00Z",
                "--consumer-group", "nope");
        CliKafkaTest.assertRefused(cli, 2, "--from-timestamp", "replay", "start");
        CliKafkaTest.assertRefused(cli, 1, "limit must be at least 1", "replay", "status", "--limit", "0");
    }
}
