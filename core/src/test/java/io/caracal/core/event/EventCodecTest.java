package io.caracal.core.event;

import io.caracal.core.policy.PolicyEvents;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Avro encoding with the fingerprint header, and the validation a metering event gets as it is read. */
class EventCodecTest {
    private static final String FINGERPRINT = EventSchemas.get().latestFingerprint(EventSchemas.METERING);
    private static final UUID POLICY = UUID.randomUUID();

    private static MeteringEvent event() {
        return new MeteringEvent(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), new Money(new BigDecimal("0.000000001"), new CurrencyCode("EUR")),
                Instant.parse("2026-03-04T05:06:07.123456Z"), "openai/gpt-4o", Map.of(POLICY, new BigDecimal("0.000000001")), Map.of("region", "eu"));
    }

    private static String rejected(String errorType, Runnable decode) {
        InvalidEventException e = assertThrows(InvalidEventException.class, decode::run);
        assertEquals(errorType, e.errorType(), e.getMessage());
        return e.getMessage();
    }

    /** The bytes of a metering event whose record was changed by {@code edit} before encoding. */
    private static byte[] edited(Consumer<GenericRecord> edit) {
        GenericRecord record = event().toRecord();
        edit.accept(record);
        return EventCodec.encode(record);
    }

    private static MeteringEvent read(byte[] payload) {
        return MeteringEvent.from(EventCodec.decode(payload, FINGERPRINT, EventSchemas.METERING));
    }

    @Test
    void aMeteringEventSurvivesTheRoundTripExactly() {
        MeteringEvent event = event();
        assertEquals(event, read(EventCodec.encode(event.toRecord())));
        assertEquals(EventSchemas.METERING, EventCodec.decodeAny(EventCodec.encode(event.toRecord()), FINGERPRINT).getSchema().getFullName());
    }

    @Test
    void recordsWithoutAKnownWriterSchemaAreRejected() {
        byte[] payload = EventCodec.encode(event().toRecord());
        rejected(InvalidEventException.SCHEMA, () -> EventCodec.decode(payload, null, EventSchemas.METERING));
        rejected(InvalidEventException.SCHEMA, () -> EventCodec.decode(payload, " ", EventSchemas.METERING));
        rejected(InvalidEventException.SCHEMA, () -> EventCodec.decodeAny(payload, null));
        rejected(InvalidEventException.SCHEMA, () -> EventCodec.decode(payload, "0000000000000000", EventSchemas.METERING));
        rejected(InvalidEventException.SCHEMA, () -> EventCodec.decode(null, FINGERPRINT, EventSchemas.METERING));
    }

    @Test
    void bytesThatDoNotMatchTheSchemaAreRejected() {
        byte[] payload = EventCodec.encode(event().toRecord());
        rejected(InvalidEventException.SCHEMA, () -> EventCodec.decode(Arrays.copyOf(payload, payload.length - 3), FINGERPRINT, EventSchemas.METERING));
        rejected(InvalidEventException.SCHEMA, () -> EventCodec.decode(Arrays.copyOf(payload, payload.length + 1), FINGERPRINT, EventSchemas.METERING));
        rejected(InvalidEventException.SCHEMA, () -> EventCodec.decode(new byte[0], FINGERPRINT, EventSchemas.METERING));
    }

    @Test
    void anotherKindOfEventIsNotReadAsAMeteringEvent() {
        OutboxEvent change = PolicyEvents.change(new PolicyEvents.ChangeFacts(UUID.randomUUID(), UUID.randomUUID(), 1, "created", "alice", "why",
                new Money(BigDecimal.TEN, new CurrencyCode("USD")), "daily", "calendar", true), Instant.now());
        String message = rejected(InvalidEventException.SCHEMA, () -> EventCodec.decode(change.payload(), change.schemaFingerprint(), EventSchemas.METERING));
        assertEquals("expected a MeteringEvent but the record is a PolicyChange", message);
    }

    @Test
    void amountsMustBeExactNonNegativeDecimalsInAKnownCurrency() {
        rejected(InvalidEventException.NEGATIVE_AMOUNT, () -> read(edited(r -> r.put("amount", "-0.01"))));
        rejected(InvalidEventException.NEGATIVE_AMOUNT, () -> read(edited(r -> r.put("budget_lines", Map.of(POLICY.toString(), "-1")))));
        rejected(InvalidEventException.UNKNOWN_CURRENCY, () -> read(edited(r -> r.put("currency", "XYZ"))));
        rejected(InvalidEventException.UNKNOWN_CURRENCY, () -> read(edited(r -> r.put("currency", "usd"))));
        rejected(InvalidEventException.CONTENT, () -> read(edited(r -> r.put("amount", "0.0000000001"))));
        rejected(InvalidEventException.CONTENT, () -> read(edited(r -> r.put("amount", "1e3"))));
        rejected(InvalidEventException.CONTENT, () -> read(edited(r -> r.put("agent_id", "not-a-uuid"))));
    }
}
