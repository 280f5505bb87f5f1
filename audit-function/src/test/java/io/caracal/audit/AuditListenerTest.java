package io.caracal.audit;

import io.caracal.core.audit.AuditEntry;
import io.caracal.core.audit.AuditWriter;
import io.caracal.core.event.EventCodec;
import io.caracal.core.event.KafkaConnection;
import io.caracal.core.event.KafkaTopics;
import io.caracal.core.event.OutboxRelay;
import io.caracal.core.event.RegistryFraming;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.event.OutboxEvent;
import io.caracal.core.event.Topics;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.audit.AuditStore;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.Await;
import io.caracal.testing.SchemaRegistryStub;
import io.caracal.testing.TestDatabase;
import io.micronaut.context.ApplicationContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit function as its container runs it: its listener on a real broker writes each event once to a chain that verifies. */
class AuditListenerTest {
    private static final Map<String, Object> KAFKA = Map.of("bootstrap.servers", SharedServices.kafka().bootstrapServers());
    private static ApplicationContext audit;
    private static SchemaRegistryStub registry;

    @BeforeAll
    static void start() {
        String database = "audit_listener_" + Long.toHexString(System.nanoTime());
        TestDatabase.create(database);
        try (Admin admin = Admin.create(KAFKA)) {
            KafkaTopics.ensure(admin, Topics.ALL, KafkaTopics.Spec.partitions(1));
        }
        EmbeddedPostgresServer postgres = SharedServices.postgres();
        registry = SchemaRegistryStub.start();
        audit = ApplicationContext.builder().environments("audit").properties(Map.of(
                "datasources.default.url", postgres.jdbcUrl(database),
                "datasources.default.username", EmbeddedPostgresServer.USER,
                "datasources.default.password", "",
                "datasources.default.driver-class-name", "org.postgresql.Driver",
                "caracal.kafka.bootstrap-servers", SharedServices.kafka().bootstrapServers(),
                "caracal.kafka.schema-registry-url", registry.url(),
                "caracal.consumers.health-port", 0, "caracal.metrics.port", -1)).start();
    }

    @AfterAll
    static void stop() {
        audit.close();
        EventCodec.resolveSchemaIdsWith(null);
        registry.close();
    }

    private static OutboxEvent charge(UUID agent, String amount) {
        return new MeteringEvent(UUID.randomUUID(), agent, null, new Money(new BigDecimal(amount), new CurrencyCode("USD")),
                Instant.now().truncatedTo(ChronoUnit.MICROS), "demo", Map.of(), Map.of()).outboxEvent();
    }

    @Test
    void aMeteringEventDeliveredTwiceIsAuditedOnceAndItsOffsetCommitted() throws Exception {
        UUID agent = UUID.randomUUID();
        OutboxEvent event = charge(agent, "0.25");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KAFKA, new StringSerializer(), new ByteArraySerializer())) {
            for (int delivery = 0; delivery < 2; delivery++) { // the second is what a producer retry leaves on the topic
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(event.topic(), event.key(), event.payload());
                record.headers().add(EventCodec.FINGERPRINT_HEADER, event.schemaFingerprint().getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }
        }

        AuditStore store = audit.getBean(AuditStore.class);
        TopicPartition metering = new TopicPartition(Topics.METERING, 0);
        long end;
        try (Admin admin = Admin.create(KAFKA)) {
            end = admin.listOffsets(Map.of(metering, OffsetSpec.latest())).partitionResult(metering).get().offset();
            long committed = Await.until(Duration.ofSeconds(60), () -> committedOffset(admin, metering), offset -> offset >= end);
            assertEquals(end, committed, "the listener commits past both deliveries once they are audited");
        }

        List<AuditEntry> entries = store.query(new AuditStore.Query(null, null, Set.of(), agent, 10));
        assertEquals(1, entries.size(), "one audit row for one event, however often it is delivered");
        AuditEntry entry = entries.get(0);
        assertEquals(Topics.METERING, entry.topic());
        assertEquals(event.eventId(), entry.eventId());
        assertEquals(event.schemaFingerprint(), entry.schemaFingerprint());
        AuditStore.Verification verification = store.verify();
        assertTrue(verification.intact(), () -> "audit chain broken: " + verification.broken());
    }

    @Test
    void aRegistryFramedEventIsAuditedAsAvroUnderItsWriterSchemasFingerprintLikeEveryOtherRow() throws Exception {
        UUID agent = UUID.randomUUID();
        OutboxEvent event = charge(agent, "0.75");
        KafkaConnection connection = new KafkaConnection(SharedServices.kafka().bootstrapServers(), null, null, null, null, null, null, registry.url());
        ProducerRecord<String, byte[]> framed = RegistryFraming.of(connection).apply(OutboxRelay.record(event));
        assertEquals(0, framed.value()[0], "sent in the registry's framing");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KAFKA, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(framed).get();
        }

        AuditStore store = audit.getBean(AuditStore.class);
        List<AuditEntry> entries = Await.until(Duration.ofSeconds(60), () -> store.query(new AuditStore.Query(null, null, Set.of(), agent, 10)),
                found -> !found.isEmpty());
        AuditEntry entry = entries.get(0);
        assertEquals(event.eventId(), entry.eventId());
        assertEquals(event.schemaFingerprint(), entry.schemaFingerprint());
        assertArrayEquals(event.payload(), entry.payload(), "the Avro binary, without the registry's prefix");
        AuditStore.Verification verification = store.verify();
        assertTrue(verification.intact(), () -> "audit chain broken: " + verification.broken());
    }

    private static long committedOffset(Admin admin, TopicPartition partition) {
        try {
            var offsets = admin.listConsumerGroupOffsets(AuditWriter.GROUP).partitionsToOffsetAndMetadata().get();
            return offsets.containsKey(partition) && offsets.get(partition) != null ? offsets.get(partition).offset() : -1;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
