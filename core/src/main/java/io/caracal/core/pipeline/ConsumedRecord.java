package io.caracal.core.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One Kafka record as a consumer received it, from a Kafka consumer (containers) or an MSK event (Lambda): the
 * consumers' logic sees no difference between the two.
 */
public record ConsumedRecord(String topic, int partition, long offset, String key, byte[] value, Map<String, byte[]> headers,
                             long timestamp) {

    public ConsumedRecord {
        headers = Map.copyOf(headers);
    }

    /** A header as UTF-8 text, or null. */
    public String header(String name) {
        byte[] value = headers.get(name);
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** The value as the latest version of {@code schema}, read with the writer schema its fingerprint header names. */
    public org.apache.avro.generic.GenericRecord decode(String schema) {
        return io.caracal.core.event.EventCodec.decode(value, header(io.caracal.core.event.EventCodec.FINGERPRINT_HEADER), schema);
    }

    /** "topic-partition@offset": how logs and errors name a record. */
    public String position() {
        return topic + "-" + partition + "@" + offset;
    }
}
