package io.caracal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.event.EventCodec;
import io.caracal.core.event.KafkaTopics;
import io.caracal.core.event.Topics;
import io.caracal.core.pipeline.ConsumedRecord;
import io.caracal.core.pipeline.DeadLetter;
import io.caracal.core.pipeline.KafkaDeadLetterSink;
import io.caracal.core.pipeline.Redelivery;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dead letters written by the real sink, listed, shown and retried through the CLI. The DLQ topic is shared, so
 * every test letter carries an error type of its own and the assertions filter by it.
 */
class CliDlqTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T1 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-03-01T11:00:00Z");
    private static CliRunner cli;
    private static String topic;
    private static String errorA;
    private static String errorB;
    private static DeadLetter first;
    private static DeadLetter second;
    private static DeadLetter other;

    @BeforeAll
    static void deadLetters() {
        cli = new CliRunner("cli_dlq").withKafka();
        assertEquals(0, cli.run("db", "init").exitCode());
        try (Admin admin = KafkaFixture.admin()) {
            KafkaTopics.ensure(admin, List.of(Topics.DLQ), KafkaTopics.Spec.partitions(3));
        }
        topic = KafkaFixture.newTopic("original", 1);
        String run = UUID.randomUUID().toString().substring(0, 8);
        errorA = "DatabaseTimeout" + run;
        errorB = "SchemaError" + run;
        first = letter(original(0, UUID.randomUUID()), errorA, "Database connection timeout", 3, "ledger-writer-group", T1);
        second = letter(original(1, UUID.randomUUID()), errorA, "Database connection timeout", 3, "ledger-writer-group", T2);
        other = letter(original(2, null), errorB, "no schema_fingerprint header", 1, "audit-logger-group", T2);
        try (KafkaDeadLetterSink sink = new KafkaDeadLetterSink(KafkaFixture.connection())) {
            sink.send(List.of(first, second, other));
        }
    }

    /** A dead letter as the sink would write it after {@code retries} retries. */
    private static DeadLetter letter(ConsumedRecord original, String errorType, String message, int retries, String group, Instant at) {
        return new DeadLetter(UUID.randomUUID(), original.header(EventCodec.EVENT_ID_HEADER), original, errorType, message, retries, group, at);
    }

    private static ConsumedRecord original(int offset, UUID eventId) {
        Map<String, byte[]> headers = new HashMap<>();
        headers.put(EventCodec.FINGERPRINT_HEADER, "0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        if (eventId != null) {
            headers.put(EventCodec.EVENT_ID_HEADER, eventId.toString().getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumedRecord(topic, 0, offset, "agent-" + offset, new byte[] {0, 1, 2, (byte) offset, (byte) 0xff}, headers, 0);
    }

    private static JsonNode json(String... args) throws Exception {
        CliRunner.Result result = cli.run(args);
        assertEquals(0, result.exitCode(), result::toString);
        return JSON.readTree(result.out());
    }

    private static List<String> eventIds(JsonNode letters) {
        List<String> ids = new ArrayList<>();
        letters.get("events").forEach(e -> ids.add(e.get("event_id").asText()));
        return ids;
    }

    @Test
    void listFiltersByErrorTypeAndStartTime() throws Exception {
        JsonNode byType = json("dlq", "list", "--error-type", errorA, "-o", "json");
        assertEquals(2, byType.get("total").asInt());
        assertEquals(List.of(first.eventId(), second.eventId()), eventIds(byType));

        JsonNode recent = json("dlq", "list", "--error-type", errorA, "--start-time", "2026-03-01T10:30:00Z", "-o", "json");
        assertEquals(List.of(second.eventId()), eventIds(recent));

        JsonNode limited = json("dlq", "list", "--error-type", errorA, "--limit", "1", "-o", "json");
        assertEquals(2, limited.get("total").asInt());
        assertEquals(1, limited.get("events").size());

        String table = cli.run("dlq", "list", "--error-type", errorB).out();
        assertTrue(table.startsWith("Dead Letter Queue Events:\n  Total: 1\n"), table);
        assertTrue(table.contains(other.dlqId().toString()), table);
    }

    @Test
    void getShowsTheRunbookFields() {
        CliRunner.Result result = cli.run("dlq", "get", "--event-id", first.eventId());
        assertEquals(0, result.exitCode(), result::toString);
        String expected = String.join("\n",
                "Dead Letter Queue Events:",
                "  Total: 1",
                "",
                "  Event ID: " + first.eventId(),
                "  Source Topic: " + topic,
                "  Error Type: " + errorA,
                "  Error Message: Database connection timeout",
                "  Retry Count: 3",
                "  Failed At: 2026-03-01T10:00:00Z",
                "  Consumer Group: ledger-writer-group",
                "  Original Partition: 0",
                "  Original Offset: 0",
                "  DLQ ID: " + first.dlqId(), "");
        assertEquals(expected, result.out());

        CliRunner.Result byDlqId = cli.run("dlq", "get", "--dlq-id", other.dlqId().toString());
        assertTrue(byDlqId.out().contains("Event ID: (none)") && byDlqId.out().contains("Error Type: " + errorB), byDlqId::toString);
    }

    @Test
    void retrySendsTheOriginalRecordOnce() throws Exception {
        JsonNode retried = json("dlq", "retry", "--event-id", second.eventId(), "-o", "json");
        assertEquals(1, retried.get("sent").asInt());
        assertEquals(0, retried.get("already_retried").asInt());

        List<ConsumerRecord<String, byte[]>> records = readAll(topic);
        assertEquals(1, records.size());
        ConsumerRecord<String, byte[]> resent = records.get(0);
        assertEquals(second.original().key(), resent.key());
        assertArrayEquals(second.original().value(), resent.value());
        Map<String, byte[]> headers = new HashMap<>();
        for (Header header : resent.headers()) {
            headers.put(header.key(), header.value());
        }
        Map<String, byte[]> expected = new HashMap<>(second.original().headers());
        expected.putAll(Redelivery.next(second).headers());
        assertEquals(expected.keySet(), headers.keySet());
        expected.forEach((name, value) -> assertArrayEquals(value, headers.get(name), name));

        JsonNode again = json("dlq", "retry", "--event-id", second.eventId(), "-o", "json");
        assertEquals(0, again.get("sent").asInt());
        assertEquals(1, again.get("already_retried").asInt());
        assertEquals(1, readAll(topic).size(), "a second retry must send nothing");
        assertEquals(1, cli.count("dlq_retries"));
    }

    @Test
    void unknownOrMalformedIdsAreRefused() {
        CliKafkaTest.assertRefused(cli, 1, "dead letter for event not found: ",
                "dlq", "get", "--event-id", UUID.randomUUID().toString());
        CliKafkaTest.assertRefused(cli, 1, "dlq id 'nope' is not a UUID", "dlq", "get", "--dlq-id", "nope");
        CliKafkaTest.assertRefused(cli, 1, "dead letter not found", "dlq", "retry", "--dlq-id", UUID.randomUUID().toString());
        CliKafkaTest.assertRefused(cli, 1, "start-time must be ISO-8601 (2026-01-01T00:00:00Z), a date", "dlq", "list", "--start-time", "yesterday");
        CliKafkaTest.assertRefused(cli, 2, "--all", "dlq", "retry");
        CliKafkaTest.assertRefused(cli, 2, "mutually exclusive", "dlq", "retry", "--all", "--event-id", "x");
        CliKafkaTest.assertRefused(cli, 2, "mutually exclusive", "dlq", "get", "--dlq-id", "x", "--event-id", "x");
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = KafkaFixture.reader()) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            Instant deadline = Instant.now().plusSeconds(30);
            while (consumer.position(partition) < end && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
