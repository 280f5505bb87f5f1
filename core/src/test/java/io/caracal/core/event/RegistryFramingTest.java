package io.caracal.core.event;

import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.PolicyEvents;
import io.caracal.testing.SchemaRegistryStub;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Confluent wire format against a registry speaking the Confluent REST API (in this JVM: {@link SchemaRegistryStub}),
 * and consumers reading it beside the fingerprint-header framing.
 */
class RegistryFramingTest {
    private SchemaRegistryStub registry;
    private UnaryOperator<ProducerRecord<String, byte[]>> framing;

    @BeforeEach
    void startRegistry() {
        registry = SchemaRegistryStub.start(); // a port of its own, so a client of its own: no id cached by another test
        KafkaConnection connection = new KafkaConnection("localhost:9092", null, null, null, null, null, null, registry.url());
        framing = RegistryFraming.of(connection);
        EventCodec.resolveSchemaIdsWith(connection.schemaRegistry().orElseThrow());
    }

    @AfterEach
    void stopRegistry() {
        EventCodec.resolveSchemaIdsWith(null);
        registry.close();
    }

    private static MeteringEvent event() {
        return new MeteringEvent(UUID.randomUUID(), UUID.randomUUID(), null, new Money(new BigDecimal("0.250000000"), new CurrencyCode("USD")),
                Instant.parse("2026-12-05T10:00:00.123456Z"), "api.example.com", Map.of(UUID.randomUUID(), new BigDecimal("0.250000000")), Map.of("k", "v"));
    }

    private static OutboxEvent policyChange() {
        return PolicyEvents.change(new PolicyEvents.ChangeFacts(UUID.randomUUID(), UUID.randomUUID(), 1, "created", null, null,
                new Money(BigDecimal.TEN, new CurrencyCode("USD")), "daily", "calendar", true), Instant.EPOCH);
    }

    private static List<String> headerNames(ProducerRecord<String, byte[]> record) {
        return StreamSupport.stream(record.headers().spliterator(), false).map(Header::key).toList();
    }

    @Test
    void theValueIsTheMagicByteTheSchemaIdAndTheAvroBinaryWithoutAFingerprintHeader() {
        OutboxEvent event = event().outboxEvent();
        ProducerRecord<String, byte[]> framed = framing.apply(OutboxRelay.record(event));

        byte[] value = framed.value();
        assertEquals(0, value[0]);
        assertEquals(1, ByteBuffer.wrap(value, 1, 4).getInt(), "the first schema the registry holds");
        assertArrayEquals(event.payload(), Arrays.copyOfRange(value, 5, value.length));
        assertEquals(List.of(EventCodec.EVENT_ID_HEADER, EventCodec.EVENT_TYPE_HEADER), headerNames(framed));
        assertEquals(event.key(), framed.key());
        assertEquals(Topics.METERING, framed.topic());
    }

    @Test
    void aSchemaIsRegisteredOncePerSubjectAndEachTopicHasItsOwnSubject() {
        framing.apply(OutboxRelay.record(event().outboxEvent()));
        framing.apply(OutboxRelay.record(event().outboxEvent()));
        assertEquals(1, registry.registrations(), "the second record reuses the id the first one got");

        ProducerRecord<String, byte[]> framed = framing.apply(OutboxRelay.record(policyChange()));
        assertEquals(2, registry.registrations());
        assertEquals(2, RegistryFraming.schemaId(framed.value()));
        assertEquals("caracal.policy.changes-value", RegistryFraming.subject(framed.topic()));
    }

    @Test
    void consumersReadBothFramings() {
        MeteringEvent event = event();
        ProducerRecord<String, byte[]> plain = OutboxRelay.record(event.outboxEvent());
        ProducerRecord<String, byte[]> framed = framing.apply(plain);

        assertEquals(event, MeteringEvent.from(EventCodec.decode(framed.value(), null, EventSchemas.METERING)));
        String fingerprint = new String(plain.headers().lastHeader(EventCodec.FINGERPRINT_HEADER).value(), StandardCharsets.UTF_8);
        assertEquals(event, MeteringEvent.from(EventCodec.decode(plain.value(), fingerprint, EventSchemas.METERING)));

        EventCodec.Unframed unframed = EventCodec.unframe(framed.value(), null);
        assertEquals(fingerprint, unframed.fingerprint(), "the registry's copy of the schema has the fingerprint of ours");
        assertArrayEquals(plain.value(), unframed.avro());
        assertEquals(EventSchemas.METERING, EventCodec.decodeAny(framed.value(), null).getSchema().getFullName());
    }

    @Test
    void aRecordOfAnotherKindIsRejectedByItsRegistrySchema() {
        byte[] value = framing.apply(OutboxRelay.record(policyChange())).value();
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> EventCodec.decode(value, null, EventSchemas.METERING));
        assertEquals(InvalidEventException.SCHEMA, e.errorType());
    }

    @Test
    void anIdTheRegistryDoesNotHoldIsAnInvalidSchema() {
        byte[] value = {0, 0, 0, 0, 42, 72};
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> EventCodec.decode(value, null, EventSchemas.METERING));
        assertEquals(InvalidEventException.SCHEMA, e.errorType());
        assertTrue(e.getMessage().contains("no schema id 42"), e.getMessage());
    }

    @Test
    void withoutARegistryARegistryFramedRecordIsAnInvalidSchemaThatSaysWhy() {
        byte[] value = framing.apply(OutboxRelay.record(event().outboxEvent())).value();
        EventCodec.resolveSchemaIdsWith(null);
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> EventCodec.decode(value, null, EventSchemas.METERING));
        assertEquals(InvalidEventException.SCHEMA, e.errorType());
        assertTrue(e.getMessage().contains("SCHEMA_REGISTRY_URL is not set"), e.getMessage());
    }

    @Test
    void aRegistryThatCannotAnswerIsATransientFailureNotABadRecord() {
        byte[] unknownYet = {0, 0, 0, 0, 7, 72};
        registry.failWith(503);
        // Not an InvalidEventException: the consumer retries the batch instead of dead-lettering the record.
        SchemaRegistryClient.SchemaRegistryException read = assertThrows(SchemaRegistryClient.SchemaRegistryException.class,
                () -> EventCodec.decode(unknownYet, null, EventSchemas.METERING));
        assertTrue(read.getMessage().contains("HTTP 503"), read.getMessage());
        ProducerRecord<String, byte[]> record = OutboxRelay.record(event().outboxEvent());
        assertThrows(SchemaRegistryClient.SchemaRegistryException.class, () -> framing.apply(record));
    }

    @Test
    void withoutARegistryProducersFrameNothing() {
        ProducerRecord<String, byte[]> record = OutboxRelay.record(event().outboxEvent());
        KafkaConnection plain = new KafkaConnection("localhost:9092", null, null, null, null, null, null);
        assertSame(record, RegistryFraming.of(plain).apply(record));
        assertNotEquals(0, record.value()[0], "an Avro metering event starts with the length of its id, never the magic byte");
    }
}
