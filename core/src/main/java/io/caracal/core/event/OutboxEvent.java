package io.caracal.core.event;

import java.time.Instant;
import java.util.UUID;

/**
 * An event on its way to Kafka. {@code eventId} is the idempotency key consumers deduplicate by; {@code key}
 * (the agent id) is the Kafka record key; {@code payload} is Avro binary written with the schema
 * {@code schemaFingerprint} names.
 */
public record OutboxEvent(UUID eventId, String topic, String key, String type, String schemaFingerprint, byte[] payload,
                          Instant createdAt) {

    /** An event encoded with the latest version of its schema, ready for the outbox. */
    public static OutboxEvent of(UUID eventId, String topic, UUID agentId, org.apache.avro.generic.GenericRecord record, Instant at) {
        String type = record.getSchema().getFullName();
        return new OutboxEvent(eventId, topic, agentId.toString(), type, EventSchemas.get().latestFingerprint(type),
                EventCodec.encode(record), at);
    }
}
