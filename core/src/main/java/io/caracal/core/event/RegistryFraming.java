package io.caracal.core.event;

import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * The Confluent wire format, which standard Kafka Avro tooling reads (kafka-avro-console-consumer, Kafka Connect,
 * ksqlDB): the value is the magic byte 0, the writer schema's registry id in 4 big-endian bytes, then the Avro binary,
 * and the record has no {@value EventCodec#FINGERPRINT_HEADER} header. The schema is registered under the topic's
 * value subject, {@code <topic>-value} (TopicNameStrategy). Producers use it when SCHEMA_REGISTRY_URL is set;
 * consumers read it whatever their configuration ({@link EventCodec#unframe}).
 */
public final class RegistryFraming {
    public static final byte MAGIC = 0;
    /** The magic byte and the schema id before the Avro binary. */
    public static final int PREFIX_LENGTH = 5;

    private final SchemaRegistryClient registry;

    private RegistryFraming(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    /** How a producer on {@code connection} frames its records: in this format with a registry, else unchanged. */
    public static UnaryOperator<ProducerRecord<String, byte[]>> of(KafkaConnection connection) {
        return connection.schemaRegistry().map(RegistryFraming::new).<UnaryOperator<ProducerRecord<String, byte[]>>>map(f -> f::frame)
                .orElse(UnaryOperator.identity());
    }

    public static String subject(String topic) {
        return topic + "-value";
    }

    /** Whether a value with no fingerprint header is in this format (a value with the header never is). */
    public static boolean isFramed(byte[] value) {
        return value != null && value.length >= PREFIX_LENGTH && value[0] == MAGIC;
    }

    public static int schemaId(byte[] value) {
        return ByteBuffer.wrap(value, 1, 4).getInt();
    }

    /** {@code record}, framed with a fingerprint header, in this format: the writer schema registered, its id in front of the Avro binary. */
    private ProducerRecord<String, byte[]> frame(ProducerRecord<String, byte[]> record) {
        Header fingerprint = record.headers().lastHeader(EventCodec.FINGERPRINT_HEADER);
        if (fingerprint == null) {
            throw new IllegalArgumentException("a record for " + record.topic() + " has no writer schema to register");
        }
        String name = new String(fingerprint.value(), StandardCharsets.UTF_8);
        Schema writer = EventSchemas.get().writerSchema(name)
                .orElseThrow(() -> new IllegalArgumentException("no event schema has the fingerprint " + name));
        int id = registry.register(subject(record.topic()), writer);
        byte[] value = ByteBuffer.allocate(PREFIX_LENGTH + record.value().length).put(MAGIC).putInt(id).put(record.value()).array();
        ProducerRecord<String, byte[]> framed = new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), record.key(), value);
        for (Header header : record.headers()) {
            if (!header.key().equals(EventCodec.FINGERPRINT_HEADER)) {
                framed.headers().add(header);
            }
        }
        return framed;
    }
}
