package io.caracal.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.event.EventCodec;
import io.caracal.core.event.EventSchemas;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.event.OutboxEvent;
import io.caracal.core.event.OutboxRelay;
import io.caracal.core.event.RegistryFraming;
import io.caracal.core.event.Topics;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.pipeline.DeadLetter;
import io.caracal.core.pipeline.DeadLetterReader;
import io.caracal.core.event.KafkaConnection;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.ledger.LedgerStore;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.SchemaRegistryStub;
import io.caracal.testing.TestDatabase;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger Lambda fed the JSON an MSK event source mapping sends (records grouped by "topic-partition", keys and
 * values base64, headers as byte arrays), on real PostgreSQL and Kafka, configured with a schema registry.
 */
class LedgerLambdaHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ApplicationContext context;
    private static LedgerLambdaHandler handler;
    private static Agent agent;
    private static SchemaRegistryStub registry;

    @BeforeAll
    static void start() {
        EmbeddedPostgresServer postgres = SharedServices.postgres();
        String database = "ledger_lambda_" + Long.toHexString(System.nanoTime());
        TestDatabase.create(database);
        Map<String, Object> properties = new HashMap<>();
        properties.put("datasources.default.url", postgres.jdbcUrl(database));
        properties.put("datasources.default.username", EmbeddedPostgresServer.USER);
        properties.put("datasources.default.password", "");
        properties.put("datasources.default.driver-class-name", "org.postgresql.Driver");
        properties.put("caracal.kafka.bootstrap-servers", SharedServices.kafka().bootstrapServers());
        registry = SchemaRegistryStub.start();
        properties.put("caracal.kafka.schema-registry-url", registry.url());
        context = ApplicationContext.builder().properties(properties).start();
        agent = context.getBean(AgentStore.class).create(new AgentDraft("lambda-agent", "", "ops@example.com", null, Map.of()));
        handler = new LedgerLambdaHandler(context);
        createTopics();
    }

    /** What `caracal kafka create-topics` does before the functions run. */
    private static void createTopics() {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", SharedServices.kafka().bootstrapServers()))) {
            io.caracal.core.event.KafkaTopics.ensure(admin, Topics.ALL, io.caracal.core.event.KafkaTopics.Spec.partitions(1));
        }
    }

    @AfterAll
    static void stop() {
        handler.close();
        EventCodec.resolveSchemaIdsWith(null);
        registry.close();
    }

    private static MeteringEvent charge(String amount) {
        return new MeteringEvent(UUID.randomUUID(), agent.id(), null, new Money(new BigDecimal(amount), new CurrencyCode("USD")),
                Instant.now().truncatedTo(ChronoUnit.MICROS), "api.example.com", Map.of(), Map.of("request_id", "r-" + amount));
    }

    /** One record as Lambda renders it. */
    private static ObjectNode record(long offset, OutboxEvent event) {
        return record(offset, event, event.payload(), event.schemaFingerprint());
    }

    /** One record of {@code event} with this value and fingerprint header (none when null). */
    private static ObjectNode record(long offset, OutboxEvent event, byte[] value, String fingerprint) {
        ObjectNode record = JSON.createObjectNode();
        record.put("topic", Topics.METERING).put("partition", 0).put("offset", offset).put("timestamp", 1545084650987L)
                .put("timestampType", "CREATE_TIME")
                .put("key", Base64.getEncoder().encodeToString(event.key().getBytes(StandardCharsets.UTF_8)))
                .put("value", Base64.getEncoder().encodeToString(value));
        ArrayNode headers = record.putArray("headers");
        header(headers, EventCodec.EVENT_ID_HEADER, event.eventId().toString());
        if (fingerprint != null) {
            header(headers, EventCodec.FINGERPRINT_HEADER, fingerprint);
        }
        return record;
    }

    private static void header(ArrayNode headers, String name, String value) {
        ArrayNode bytes = headers.addObject().putArray(name);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            bytes.add(b);
        }
    }

    private static JsonNode invoke(List<ObjectNode> records) throws Exception {
        ObjectNode event = JSON.createObjectNode().put("eventSource", "aws:kafka")
                .put("eventSourceArn", "arn:aws:kafka:us-east-1:123456789012:cluster/caracal/abcd1234-abcd-cafe-abab-9876543210ab-4")
                .put("bootstrapServers", "b-1.caracal.a1bcde.c1.kafka.us-east-1.amazonaws.com:9098");
        ArrayNode partition = event.putObject("records").putArray(Topics.METERING + "-0");
        records.forEach(partition::add);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private long ledgerRows(UUID eventId) throws Exception {
        try (Connection c = context.getBean(javax.sql.DataSource.class).getConnection(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM ledger_events WHERE event_id = '" + eventId + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void reportsExactlyTheRecordThatFailedAndWritesTheOthersOnce() throws Exception {
        MeteringEvent first = charge("0.10");
        MeteringEvent failing = charge("0.20");
        MeteringEvent third = charge("0.30");
        // The database refuses one event as a transient failure would (serialization failure, SQLSTATE 40001).
        try (Connection c = context.getBean(javax.sql.DataSource.class).getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.event_id = '" + failing.eventId()
                    + "' THEN RAISE EXCEPTION 'simulated conflict' USING ERRCODE = '40001'; END IF; RETURN NEW; END $$");
            st.execute("CREATE TRIGGER refuse_one BEFORE INSERT ON ledger_events FOR EACH ROW EXECUTE FUNCTION refuse_one()");
        }
        JsonNode response = invoke(List.of(record(10, first.outboxEvent()), record(11, failing.outboxEvent()),
                record(12, third.outboxEvent())));

        JsonNode failures = response.get("batchItemFailures");
        assertEquals(1, failures.size(), response.toString());
        assertEquals(Topics.METERING + "-0", failures.get(0).get("itemIdentifier").get("topic-partition").asText());
        assertEquals(11, failures.get(0).get("itemIdentifier").get("offset").asLong());
        assertEquals(1, ledgerRows(first.eventId()));
        assertEquals(0, ledgerRows(failing.eventId()));
        assertEquals(1, ledgerRows(third.eventId()));

        // Lambda retries the failed record (and, as it does, the ones after it): once the database takes it, nothing is reported
        // and nothing is written twice.
        try (Connection c = context.getBean(javax.sql.DataSource.class).getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TRIGGER refuse_one ON ledger_events");
        }
        JsonNode retried = invoke(List.of(record(11, failing.outboxEvent()), record(12, third.outboxEvent())));
        assertEquals(0, retried.get("batchItemFailures").size(), retried.toString());
        assertEquals(1, ledgerRows(failing.eventId()));
        assertEquals(1, ledgerRows(third.eventId()));
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterQueueAndIsNotReported() throws Exception {
        MeteringEvent good = charge("1.25");
        OutboxEvent poison = new OutboxEvent(UUID.randomUUID(), Topics.METERING, agent.id().toString(), EventSchemas.METERING,
                EventSchemas.get().latestFingerprint(EventSchemas.METERING), "not avro at all".getBytes(StandardCharsets.UTF_8), Instant.now());
        long before = context.getBean(LedgerStore.class).totals().getOrDefault("USD", new LedgerStore.Totals(0, BigDecimal.ZERO)).count();

        JsonNode response = invoke(List.of(record(20, poison), record(21, good.outboxEvent())));

        assertEquals(0, response.get("batchItemFailures").size(), response.toString());
        assertEquals(1, ledgerRows(good.eventId()));
        assertEquals(before + 1, context.getBean(LedgerStore.class).totals().get("USD").count());
        DeadLetter letter = deadLetter(poison.eventId().toString());
        assertEquals("InvalidSchema", letter.errorType());
        assertEquals(20, letter.original().offset());
        assertEquals("ledger-writer-group", letter.consumerGroup());
        assertTrue(java.util.Arrays.equals(poison.payload(), letter.original().value()), "the original bytes are kept");
    }

    @Test
    void aRegistryFramedRecordIsRetriedWhileTheRegistryIsDownAndWrittenOnceWhenItAnswers() throws Exception {
        MeteringEvent event = charge("2.50");
        KafkaConnection producer = new KafkaConnection(SharedServices.kafka().bootstrapServers(), null, null, null, null, null, null, registry.url());
        byte[] framed = RegistryFraming.of(producer).apply(OutboxRelay.record(event.outboxEvent())).value();
        ObjectNode record = record(30, event.outboxEvent(), framed, null);

        registry.failWith(503);
        JsonNode down;
        try {
            down = invoke(List.of(record));
        } finally {
            registry.failWith(0);
        }
        // Not a bad record: Lambda is told to retry it (a dead letter could not even be framed while the registry is down).
        assertEquals(1, down.get("batchItemFailures").size(), down.toString());
        assertEquals(30, down.get("batchItemFailures").get(0).get("itemIdentifier").get("offset").asLong());
        assertEquals(0, ledgerRows(event.eventId()));

        JsonNode up = invoke(List.of(record));
        assertEquals(0, up.get("batchItemFailures").size(), up.toString());
        assertEquals(1, ledgerRows(event.eventId()));
    }

    private static DeadLetter deadLetter(String eventId) {
        List<DeadLetter> letters = DeadLetterReader.read(KafkaConnection.fromEnvironment(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", SharedServices.kafka().bootstrapServers()))).letters();
        return letters.stream().filter(letter -> eventId.equals(letter.eventId())).findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter for event " + eventId + " among " + letters.size()));
    }

}
