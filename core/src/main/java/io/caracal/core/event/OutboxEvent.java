package io.caracal.core.event;

import java.time.Instant;
import java.util.UUID;

/**
 * An event on its way to Kafka. {@code eventId} is the idempotency key consumers deduplicate by; {@code key}
 * (the agent id) is the Kafka record key.
 */
public record OutboxEvent(UUID eventId, String topic, String key, String type, byte[] payload, Instant createdAt) {
}
