package io.caracal.core.audit;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every field of a row, and the link to the row before, is covered by the row's hash. */
class AuditChainTest {
    private static final AuditEntry ROW = new AuditEntry(7, "caracal.metering.events", 2, 41, UUID.fromString("11111111-1111-1111-1111-111111111111"),
            "io.caracal.events.MeteringEvent", UUID.fromString("22222222-2222-2222-2222-222222222222"), Instant.parse("2026-01-01T00:00:00.000001Z"),
            Instant.parse("2026-01-01T00:00:01Z"), "0123456789abcdef", "payload".getBytes(StandardCharsets.UTF_8), "{}", AuditChain.GENESIS, null);

    private static String hex(AuditEntry e) {
        return java.util.HexFormat.of().formatHex(AuditChain.hash(AuditChain.GENESIS, e));
    }

    @Test
    void theHashIsDeterministic() {
        assertArrayEquals(AuditChain.hash(AuditChain.GENESIS, ROW), AuditChain.hash(AuditChain.GENESIS, ROW));
        assertEquals(32, AuditChain.hash(AuditChain.GENESIS, ROW).length);
    }

    @Test
    void changingAnyFieldOrTheLinkChangesTheHash() {
        UUID other = UUID.randomUUID();
        byte[] otherPrev = new byte[32];
        otherPrev[31] = 1;
        List<AuditEntry> variants = List.of(
                new AuditEntry(8, ROW.topic(), ROW.partition(), ROW.offset(), ROW.eventId(), ROW.eventType(), ROW.agentId(), ROW.occurredAt(), ROW.recordedAt(), ROW.schemaFingerprint(), ROW.payload(), ROW.details(), null, null),
                new AuditEntry(7, "caracal.policy.changes", ROW.partition(), ROW.offset(), ROW.eventId(), ROW.eventType(), ROW.agentId(), ROW.occurredAt(), ROW.recordedAt(), ROW.schemaFingerprint(), ROW.payload(), ROW.details(), null, null),
                new AuditEntry(7, ROW.topic(), 3, ROW.offset(), ROW.eventId(), ROW.eventType(), ROW.agentId(), ROW.occurredAt(), ROW.recordedAt(), ROW.schemaFingerprint(), ROW.payload(), ROW.details(), null, null),
                new AuditEntry(7, ROW.topic(), ROW.partition(), 42, ROW.eventId(), ROW.eventType(), ROW.agentId(), ROW.occurredAt(), ROW.recordedAt(), ROW.schemaFingerprint(), ROW.payload(), ROW.details(), null, null),
                new AuditEntry(7, ROW.topic(), ROW.partition(), ROW.offset(), other, ROW.eventType(), ROW.agentId(), ROW.occurredAt(), ROW.recordedAt(), ROW.schemaFingerprint(), ROW.payload(), ROW.details(), null, null),
                new AuditEntry(7, ROW.topic(), ROW.partition(), ROW.offset(), ROW.eventId(), "io.caracal.events.PolicyChange", ROW.agentId(), ROW.occurredAt(), ROW.recordedAt(), ROW.schemaFingerprint(), ROW.payload(), ROW.details(), null, null),
                new AuditEntry(7, ROW.topic(), ROW.partition(), ROW.offset(), ROW.eventId(), ROW.eventType(), other, ROW.occurredAt(), ROW.recordedAt(), ROW.schemaFingerprint(), ROW.payload(), ROW.details(), null, null),
                new AuditEntry(7, ROW.topic(), ROW.partition(), ROW.offset(), ROW.eventId(), ROW.eventType(), null, ROW.occurredAt(), ROW.recordedAt(), ROW.schemaFingerprint(), ROW.payload(), ROW.details(), null, null),
                new AuditEntry(7, ROW.topic(), ROW.partition(), ROW.offset(), ROW.eventId(), ROW.eventType(), ROW.agentId(), ROW.occurredAt().plusNanos(1000), ROW.recordedAt(), ROW.schemaFingerprint(), ROW.payload(), ROW.details(), null, null),
                new AuditEntry(7, ROW.topic(), ROW.partition(), ROW.offset(), ROW.eventId(), ROW.eventType(), ROW.agentId(), ROW.occurredAt(), ROW.recordedAt().plusSeconds(1), ROW.schemaFingerprint(), ROW.payload(), ROW.details(), null, null),
                new AuditEntry(7, ROW.topic(), ROW.partition(), ROW.offset(), ROW.eventId(), ROW.eventType(), ROW.agentId(), ROW.occurredAt(), ROW.recordedAt(), "fedcba9876543210", ROW.payload(), ROW.details(), null, null),
                new AuditEntry(7, ROW.topic(), ROW.partition(), ROW.offset(), ROW.eventId(), ROW.eventType(), ROW.agentId(), ROW.occurredAt(), ROW.recordedAt(), ROW.schemaFingerprint(), "payloaD".getBytes(StandardCharsets.UTF_8), ROW.details(), null, null),
                new AuditEntry(7, ROW.topic(), ROW.partition(), ROW.offset(), ROW.eventId(), ROW.eventType(), ROW.agentId(), ROW.occurredAt(), ROW.recordedAt(), ROW.schemaFingerprint(), ROW.payload(), "{ }", null, null));
        Set<String> hashes = new HashSet<>();
        hashes.add(hex(ROW));
        variants.forEach(v -> hashes.add(hex(v)));
        assertEquals(variants.size() + 1, hashes.size(), "every field change gives a different hash");
        assertEquals(hex(ROW), hex(new AuditEntry(7, ROW.topic(), ROW.partition(), ROW.offset(), ROW.eventId(), ROW.eventType(), ROW.agentId(),
                ROW.occurredAt(), ROW.recordedAt(), ROW.schemaFingerprint(), ROW.payload(), ROW.details(), otherPrev, new byte[32])),
                "the stored prev_hash and row_hash columns are not hashed; the link passed in is");
        assertEquals(false, java.util.Arrays.equals(AuditChain.hash(AuditChain.GENESIS, ROW), AuditChain.hash(otherPrev, ROW)),
                "a different previous row gives a different hash");
    }

    @Test
    void fieldsAreLengthPrefixedSoBoundariesCannotShift() {
        AuditEntry a = new AuditEntry(7, ROW.topic(), ROW.partition(), ROW.offset(), ROW.eventId(), ROW.eventType(), ROW.agentId(), ROW.occurredAt(),
                ROW.recordedAt(), "ab", "cd".getBytes(StandardCharsets.UTF_8), ROW.details(), null, null);
        AuditEntry b = new AuditEntry(7, ROW.topic(), ROW.partition(), ROW.offset(), ROW.eventId(), ROW.eventType(), ROW.agentId(), ROW.occurredAt(),
                ROW.recordedAt(), "abc", "d".getBytes(StandardCharsets.UTF_8), ROW.details(), null, null);
        assertEquals(false, hex(a).equals(hex(b)));
    }
}
