package io.caracal.cli.audit;

import io.caracal.core.audit.AuditEntry;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.util.HexFormat;
import java.util.Objects;

/** One audit row for scripts: everything but the raw Avro payload, which {@code details} renders readably. */
@Serdeable(naming = SnakeCaseStrategy.class)
public record AuditView(long seq, String topic, int partition, long offset, String eventId, String eventType, String agentId,
                        String occurredAt, String recordedAt, String schemaFingerprint, String details, String prevHash, String rowHash) {
    static AuditView of(AuditEntry e) {
        return new AuditView(e.seq(), e.topic(), e.partition(), e.offset(), e.eventId().toString(), shortType(e.eventType()),
                Objects.toString(e.agentId(), null), e.occurredAt().toString(), e.recordedAt().toString(), e.schemaFingerprint(), e.details(),
                HexFormat.of().formatHex(e.prevHash()), HexFormat.of().formatHex(e.rowHash()));
    }

    /** The schema's name without its namespace, as --event-type accepts it. */
    static String shortType(String fullName) {
        return fullName.substring(fullName.lastIndexOf('.') + 1);
    }
}
