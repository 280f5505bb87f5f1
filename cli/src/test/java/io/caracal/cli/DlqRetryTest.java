package io.caracal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.audit.AuditWriter;
import io.caracal.core.event.EventSchemas;
import io.caracal.core.event.KafkaTopics;
import io.caracal.core.event.OutboxEvent;
import io.caracal.core.event.OutboxRelay;
import io.caracal.core.event.Topics;
import io.caracal.core.ledger.LedgerWriter;
import io.caracal.core.spend.SpendAggregator;
import io.caracal.embedded.EmbeddedKafkaBroker;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.Await;
import io.micronaut.context.ApplicationContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * `caracal dlq retry` against the real ledger, metrics and audit consumers: a record that is not Avro is poison to
 * all three, and retrying it must neither re-feed the groups that did not ask for it nor add a dead letter each
 * time it fails again.
 */
class DlqRetryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> GROUPS = List.of(LedgerWriter.GROUP, SpendAggregator.GROUP, AuditWriter.GROUP);
    private static final TopicPartition METERING = new TopicPartition(Topics.METERING, 0);

    private static EmbeddedKafkaBroker kafka;
    private static ApplicationContext consumers;
    private static CliRunner cli;

    @BeforeAll
    static void startConsumers() {
        kafka = EmbeddedKafkaBroker.start(); // its own broker: the three consumer groups are this test's alone
        try (Admin admin = admin()) {
            KafkaTopics.ensure(admin, Topics.ALL, KafkaTopics.Spec.partitions(1));
        }
        cli = new CliRunner("cli_dlq_retry").withKafka(kafka.bootstrapServers());
        assertEquals(0, cli.run("db", "init").exitCode());
        consumers = ApplicationContext.builder().environments("ledger", "metrics", "audit").properties(Map.of(
                "datasources.default.url", cli.jdbcUrl(),
                "datasources.default.username", EmbeddedPostgresServer.USER,
                "datasources.default.password", "",
                "caracal.kafka.bootstrap-servers", kafka.bootstrapServers(),
                "caracal.redis.url", SharedServices.redis().uri(),
                "caracal.metrics.port", 0,
                "caracal.consumers.health-port", 0)).start();
    }

    @AfterAll
    static void stopConsumers() {
        if (consumers != null) {
            consumers.close();
        }
        kafka.close();
    }

    @Test
    void threeRetriesOfAPoisonEventLeaveOneDeadLetterPerFailedGroupWithItsRetryCount() throws Exception {
        UUID eventId = UUID.randomUUID();
        sendPoison(eventId);
        awaitCaughtUp();
        assertEquals(expected(0), deadLetters(eventId));

        for (int retry = 1; retry <= 3; retry++) {
            JsonNode sent = json("dlq", "retry", "--event-id", eventId.toString(), "-o", "json");
            assertEquals(GROUPS.size(), sent.get("sent").asInt(), "retry " + retry + ": one record back per failed group");
            awaitCaughtUp();
            assertEquals(expected(retry), deadLetters(eventId), "after retry " + retry);
        }
        JsonNode listed = json("dlq", "list", "-o", "json");
        assertEquals(GROUPS.size(), listed.get("total").asInt(), "the queue did not grow: " + listed);
    }

    /** One line per group that failed the event, sorted. */
    private static List<String> expected(int retries) {
        return GROUPS.stream().sorted().map(group -> group + " retry_count=" + retries).toList();
    }

    /** The event's dead letters as `caracal dlq get` shows them: consumer group and retry count, sorted. */
    private static List<String> deadLetters(UUID eventId) throws Exception {
        List<String> letters = new ArrayList<>();
        json("dlq", "get", "--event-id", eventId.toString(), "-o", "json").get("events")
                .forEach(e -> letters.add(e.get("consumer_group").asText() + " retry_count=" + e.get("retry_count").asInt()));
        return letters.stream().sorted().toList();
    }

    private static void sendPoison(UUID eventId) {
        OutboxEvent notAvro = new OutboxEvent(eventId, Topics.METERING, "agent-1", EventSchemas.METERING,
                EventSchemas.get().latestFingerprint(EventSchemas.METERING), "{\"amount\": 1}".getBytes(StandardCharsets.UTF_8), Instant.now());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(OutboxRelay.record(notAvro));
        }
    }

    /** Every group has committed the metering topic to its end, so the dead letters of what it read are written. */
    private static void awaitCaughtUp() {
        Await.until(Duration.ofSeconds(60), () -> GROUPS.stream().allMatch(group -> lag(group) == 0),
                "every consumer group to read " + Topics.METERING + " to its end");
    }

    private static long lag(String group) {
        try (Admin admin = admin()) {
            long end = admin.listOffsets(Map.of(METERING, OffsetSpec.latest())).all().get().get(METERING).offset();
            OffsetAndMetadata done = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(METERING);
            return end - (done == null ? 0 : done.offset());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    private static JsonNode json(String... args) throws Exception {
        CliRunner.Result result = cli.run(args);
        assertEquals(0, result.exitCode(), result::toString);
        return JSON.readTree(result.out());
    }
}
