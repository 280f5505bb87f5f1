package io.caracal.core.audit;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the audit log: an event exactly as it travelled (the Avro payload and its schema fingerprint), where
 * it came from, a readable rendering ({@code details}), and the hash chain linking it to the row before.
 */
public record AuditEntry(long seq, String topic, int partition, long offset, UUID eventId, String eventType, UUID agentId,
                         Instant occurredAt, Instant recordedAt, String schemaFingerprint, byte[] payload, String details,
                         byte[] prevHash, byte[] rowHash) {
}
