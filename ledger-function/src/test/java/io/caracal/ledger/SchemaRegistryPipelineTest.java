package io.caracal.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.event.EventCodec;
import io.caracal.core.event.EventSchemas;
import io.caracal.core.event.InvalidEventException;
import io.caracal.core.event.KafkaConnection;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.event.OutboxEvent;
import io.caracal.core.event.OutboxRelay;
import io.caracal.core.event.OutboxStore;
import io.caracal.core.event.TopicReader;
import io.caracal.core.event.Topics;
import io.caracal.core.ledger.LedgerWriter;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.pipeline.DeadLetter;
import io.caracal.core.pipeline.DeadLetterReader;
import io.caracal.core.store.Database;
import io.caracal.embedded.EmbeddedKafkaBroker;
import io.caracal.testing.Await;
import io.caracal.testing.ConsumerHealth;
import io.caracal.testing.SchemaRegistryStub;
import io.caracal.testing.TestDatabase;
import io.micronaut.context.ApplicationContext;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A metering event from the outbox through the relay to Kafka and into the ledger, on a broker of this test's own, with
 * the ledger function's container context (SCHEMA_REGISTRY_URL set). With a registry the record is read back as
 * kafka-avro-console-consumer reads it: magic byte, schema id, the schema fetched by id over HTTP, the Avro binary
 * decoded with it. Without one the relay writes the fingerprint-header framing, byte for byte. The ledger commits both.
 */
class SchemaRegistryPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static EmbeddedKafkaBroker kafka;
    private static SchemaRegistryStub registry;
    private static ApplicationContext ledger;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafkaBroker.start(); // its own broker: the ledger group reads only this test's records
        registry = SchemaRegistryStub.start();
        String database = "registry_" + Long.toHexString(System.nanoTime());
        Map<String, Object> properties = new HashMap<>(ConsumerHealth.properties(database, Map.of()));
        properties.put("caracal.kafka.bootstrap-servers", kafka.bootstrapServers());
        properties.put("caracal.kafka.schema-registry-url", registry.url());
        ledger = ApplicationContext.builder().environments("services", "ledger").properties(properties).start();
    }

    @AfterAll
    static void stop() {
        ledger.close();
        EventCodec.resolveSchemaIdsWith(null);
        registry.close();
        kafka.close();
    }

    private static KafkaConnection connection(String schemaRegistryUrl) {
        return new KafkaConnection(kafka.bootstrapServers(), null, null, null, null, null, null, schemaRegistryUrl);
    }

    private static UUID newAgent() {
        Agent agent = ledger.getBean(AgentStore.class).create(new AgentDraft("registry-" + UUID.randomUUID(), "", "ops@example.com", null, Map.of()));
        return agent.id();
    }

    /** A charge of {@code agent}, put in the outbox and relayed to Kafka with whatever else the outbox holds. */
    private static MeteringEvent relayACharge(KafkaConnection connection, UUID agent) {
        MeteringEvent event = new MeteringEvent(UUID.randomUUID(), agent, null, new Money(new BigDecimal("0.250000000"), new CurrencyCode("USD")),
                Instant.now().truncatedTo(ChronoUnit.MICROS), "api.example.com", Map.of(), Map.of("model", "gpt-4o"));
        Database db = ledger.getBean(Database.class);
        db.transaction(c -> {
            OutboxStore.insert(c, event.outboxEvent());
            return null;
        });
        OutboxStore outbox = new OutboxStore(db, Clock.systemUTC());
        try (OutboxRelay relay = new OutboxRelay(outbox, connection, 3)) {
            while (relay.publishBatch() > 0) {
                // until the outbox is empty
            }
        }
        return event;
    }

    /** The raw record of {@code event} on the metering topic, as a plain byte-array consumer sees it. */
    private static ConsumerRecord<String, byte[]> rawRecord(MeteringEvent event) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        TopicReader.readToEnd(connection(null), Topics.METERING, Duration.ofSeconds(30), record -> {
            Header id = record.headers().lastHeader(EventCodec.EVENT_ID_HEADER);
            if (id != null && new String(id.value(), StandardCharsets.UTF_8).equals(event.eventId().toString())) {
                found.add(record);
            }
        });
        assertEquals(1, found.size(), "records of event " + event.eventId());
        return found.get(0);
    }

    /** The raw records of the dead-letter queue, as a plain byte-array consumer sees them. */
    private static List<ConsumerRecord<String, byte[]>> rawDeadLetters() {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        TopicReader.readToEnd(connection(null), Topics.DLQ, Duration.ofSeconds(30), records::add);
        return records;
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(registry.url() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    /** The ledger has the event's row, and its consumer group has committed past the record. */
    private static void awaitLedgerCommitted(MeteringEvent event, ConsumerRecord<String, byte[]> record) {
        Await.until(Duration.ofSeconds(60), () -> ledgerAmount(event) != null && committed(record) > record.offset(),
                "the ledger to write event " + event.eventId() + " and commit offset " + record.offset());
        assertEquals(0, event.cost().amount().compareTo(ledgerAmount(event)), "the ledger row's amount");
    }

    private static BigDecimal ledgerAmount(MeteringEvent event) {
        try (Connection c = ledger.getBean(Database.class).dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT amount FROM ledger_events WHERE event_id = ?")) {
            ps.setObject(1, event.eventId());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBigDecimal(1) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long committed(ConsumerRecord<String, byte[]> record) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(LedgerWriter.GROUP).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(record.topic(), record.partition()));
            return offset == null ? -1 : offset.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void withARegistryTheEventIsReadLikeKafkaAvroConsoleConsumerReadsItAndTheLedgerCommitsIt() throws Exception {
        MeteringEvent event = relayACharge(connection(registry.url()), newAgent());
        ConsumerRecord<String, byte[]> record = rawRecord(event);

        byte[] value = record.value();
        assertEquals(0, value[0], "the magic byte");
        assertNull(record.headers().lastHeader(EventCodec.FINGERPRINT_HEADER), "no fingerprint header in the registry's framing");
        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        Schema schema = new Schema.Parser().parse(get("/schemas/ids/" + id).get("schema").asText());
        assertEquals(EventSchemas.METERING, schema.getFullName());
        assertTrue(StreamSupport.stream(get("/subjects/" + Topics.METERING + "-value/versions").spliterator(), false).findAny().isPresent(),
                "the schema is registered under the topic's value subject");

        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null);
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(schema).read(null, decoder);
        assertTrue(decoder.isEnd(), "nothing after the event");
        assertEquals(event.eventId().toString(), decoded.get("event_id").toString());
        assertEquals(event.agentId().toString(), decoded.get("agent_id").toString());
        assertNull(decoded.get("hold_id"));
        assertEquals(0, event.cost().amount().compareTo(new BigDecimal(decoded.get("amount").toString())), "amount " + decoded.get("amount"));
        assertEquals("USD", decoded.get("currency").toString());
        assertEquals(ChronoUnit.MICROS.between(Instant.EPOCH, event.occurredAt()), decoded.get("occurred_at"));
        assertEquals("api.example.com", decoded.get("resource").toString());
        assertEquals("gpt-4o", ((Map<?, ?>) decoded.get("metadata")).entrySet().stream()
                .filter(e -> e.getKey().toString().equals("model")).findFirst().orElseThrow().getValue().toString());

        awaitLedgerCommitted(event, record);
    }

    @Test
    void withoutARegistryTheRelayWritesTheFingerprintFramingByteForByte() {
        MeteringEvent event = relayACharge(connection(null), newAgent());
        ConsumerRecord<String, byte[]> record = rawRecord(event);
        OutboxEvent expected = event.outboxEvent();

        assertArrayEquals(expected.payload(), record.value(), "the value is the bare Avro binary");
        Map<String, String> headers = new HashMap<>();
        record.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
        assertEquals(Map.of(EventCodec.EVENT_ID_HEADER, event.eventId().toString(), EventCodec.EVENT_TYPE_HEADER, EventSchemas.METERING,
                EventCodec.FINGERPRINT_HEADER, EventSchemas.get().latestFingerprint(EventSchemas.METERING)), headers);
        assertEquals(event.agentId().toString(), record.key());

        awaitLedgerCommitted(event, record);
    }

    @Test
    void withARegistryTheLedgersDeadLettersAreFramedForItAndReadBackWithTheOriginalAsItTravelled() throws Exception {
        MeteringEvent unknownAgent = relayACharge(connection(registry.url()), UUID.randomUUID());
        ConsumerRecord<String, byte[]> original = rawRecord(unknownAgent);

        DeadLetter letter = Await.until(Duration.ofSeconds(60), () -> DeadLetterReader.read(connection(registry.url())).letters().stream()
                .filter(l -> unknownAgent.eventId().toString().equals(l.eventId())).findFirst(), java.util.Optional::isPresent).orElseThrow();
        assertEquals(InvalidEventException.UNKNOWN_AGENT, letter.errorType());
        assertEquals(LedgerWriter.GROUP, letter.consumerGroup());
        assertArrayEquals(original.value(), letter.original().value(), "the original value as it travelled, registry prefix included");

        List<ConsumerRecord<String, byte[]>> raw = rawDeadLetters();
        assertTrue(raw.stream().allMatch(r -> r.value()[0] == 0 && r.headers().lastHeader(EventCodec.FINGERPRINT_HEADER) == null),
                "every dead letter is in the registry's framing");
        assertTrue(StreamSupport.stream(get("/subjects/" + Topics.DLQ + "-value/versions").spliterator(), false).findAny().isPresent(),
                "the dead letter's schema is registered under the queue's value subject");
    }
}
