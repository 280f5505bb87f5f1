package io.caracal.core.pipeline;

import io.caracal.core.event.EventCodec;
import io.caracal.core.event.EventSchemas;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A record a consumer gave up on, kept byte for byte with why, so it can be inspected and retried. {@code retryCount}
 * is how often {@code caracal dlq retry} sent it back to its group; a record that fails again after a retry is the
 * same dead letter (same {@code dlqId}), written again with the higher count.
 */
public record DeadLetter(UUID dlqId, String eventId, ConsumedRecord original, String errorType, String errorMessage, int retryCount,
                         String consumerGroup, Instant failedAt) {

    public static DeadLetter of(ConsumedRecord record, String errorType, String errorMessage, String consumerGroup, Instant failedAt) {
        Optional<Redelivery> redelivery = Redelivery.of(record);
        return new DeadLetter(redelivery.map(Redelivery::dlqId).orElseGet(UUID::randomUUID), record.header(EventCodec.EVENT_ID_HEADER),
                Redelivery.original(record), errorType, errorMessage == null ? "" : errorMessage, redelivery.map(Redelivery::retryCount).orElse(0),
                consumerGroup, failedAt);
    }

    public GenericRecord toRecord() {
        GenericRecord record = new GenericData.Record(EventSchemas.get().latest(EventSchemas.DEAD_LETTER));
        record.put("dlq_id", dlqId.toString());
        record.put("event_id", eventId);
        record.put("original_topic", original.topic());
        record.put("original_partition", original.partition());
        record.put("original_offset", original.offset());
        record.put("original_key", original.key());
        record.put("original_value", ByteBuffer.wrap(original.value() == null ? new byte[0] : original.value()));
        Map<String, ByteBuffer> headers = new TreeMap<>();
        original.headers().forEach((name, value) -> headers.put(name, ByteBuffer.wrap(value)));
        record.put("original_headers", headers);
        record.put("error_type", errorType);
        record.put("error_message", errorMessage);
        record.put("retry_count", retryCount);
        record.put("consumer_group", consumerGroup);
        record.put("failed_at", ChronoUnit.MICROS.between(Instant.EPOCH, failedAt));
        return record;
    }

    public static DeadLetter from(GenericRecord record) {
        Map<String, byte[]> headers = new HashMap<>();
        ((Map<?, ?>) record.get("original_headers")).forEach((k, v) -> headers.put(k.toString(), bytes((ByteBuffer) v)));
        Object key = record.get("original_key");
        Object eventId = record.get("event_id");
        ConsumedRecord original = new ConsumedRecord(record.get("original_topic").toString(), (Integer) record.get("original_partition"),
                (Long) record.get("original_offset"), key == null ? null : key.toString(), bytes((ByteBuffer) record.get("original_value")),
                headers, 0);
        return new DeadLetter(UUID.fromString(record.get("dlq_id").toString()), eventId == null ? null : eventId.toString(), original,
                record.get("error_type").toString(), record.get("error_message").toString(), (Integer) record.get("retry_count"),
                record.get("consumer_group").toString(), Instant.EPOCH.plus((Long) record.get("failed_at"), ChronoUnit.MICROS));
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
