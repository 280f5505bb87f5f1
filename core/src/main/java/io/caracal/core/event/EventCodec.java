package io.caracal.core.event;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Avro binary encoding of events. By default the writer schema travels as a fingerprint in the record header
 * {@value #FINGERPRINT_HEADER}, never inside the payload; with a schema registry it is an id in front of the payload
 * ({@link RegistryFraming}). Decoding reads either and resolves the writer schema against the latest version of the
 * schema the consumer expects, so old records stay readable after a compatible schema change.
 */
public final class EventCodec {
    public static final String FINGERPRINT_HEADER = "schema_fingerprint";
    public static final String EVENT_ID_HEADER = "event_id";
    public static final String EVENT_TYPE_HEADER = "event_type";

    /**
     * One reader per writer and reader schema: resolving the two and building the reader cost more than reading a
     * metering event. Built whole before it is shared, and it keeps no state between reads, so consumer threads share it.
     */
    private static final Map<Resolution, DatumReader<GenericRecord>> READERS = new ConcurrentHashMap<>();

    private record Resolution(Schema writer, Schema reader) {
    }

    /** Where this process looks up the schema ids of registry-framed records; none without SCHEMA_REGISTRY_URL. */
    private static volatile SchemaRegistryClient registry;

    private EventCodec() {
    }

    /** A record's value as Avro binary and the fingerprint of its writer schema, whichever framing it came in. */
    public record Unframed(byte[] avro, String fingerprint) {
    }

    /**
     * Sets the registry this process reads registry-framed records with. One per process, like the fingerprints of
     * {@link EventSchemas}: a consumer's records come from many producers, and each id means one schema in that registry.
     */
    public static void resolveSchemaIdsWith(SchemaRegistryClient client) {
        registry = client;
    }

    /**
     * The Avro binary and writer fingerprint of a value: as they are when the record has the fingerprint header, else
     * from the registry when the value is registry-framed. Throws {@link InvalidEventException} when the registry does
     * not know the id (or none is configured), and {@link SchemaRegistryClient.SchemaRegistryException} when it cannot be asked.
     */
    public static Unframed unframe(byte[] value, String fingerprint) {
        if (fingerprint != null && !fingerprint.isBlank() || !RegistryFraming.isFramed(value)) {
            return new Unframed(value, fingerprint);
        }
        int id = RegistryFraming.schemaId(value);
        SchemaRegistryClient client = registry;
        if (client == null) {
            throw new InvalidEventException(InvalidEventException.SCHEMA,
                    "the record is framed for a schema registry (schema id " + id + ") but SCHEMA_REGISTRY_URL is not set");
        }
        Schema writer = client.schema(id).orElseThrow(() -> new InvalidEventException(InvalidEventException.SCHEMA,
                "the schema registry at " + client + " has no schema id " + id));
        return new Unframed(Arrays.copyOfRange(value, RegistryFraming.PREFIX_LENGTH, value.length), EventSchemas.fingerprint(writer));
    }

    private static DatumReader<GenericRecord> reader(Schema writer, Schema reader) throws IOException {
        Resolution resolution = new Resolution(writer, reader);
        DatumReader<GenericRecord> known = READERS.get(resolution);
        if (known == null) {
            known = GenericData.get().getFastReaderBuilder().createDatumReader(writer, reader);
            READERS.putIfAbsent(resolution, known);
        }
        return known;
    }

    public static byte[] encode(GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads any event: as the latest version of whichever schema its fingerprint names. */
    public static GenericRecord decodeAny(byte[] payload, String fingerprint) {
        Unframed unframed = unframe(payload, fingerprint);
        Schema writer = unframed.fingerprint() == null ? null : EventSchemas.get().writerSchema(unframed.fingerprint()).orElse(null);
        return decode(unframed.avro(), unframed.fingerprint(), writer == null ? null : writer.getFullName());
    }

    /**
     * Reads a payload written with the schema {@code fingerprint} names (or, without one, the registry id it starts
     * with), as the latest version of {@code expected}. Throws {@link InvalidEventException} when the fingerprint is
     * missing or unknown, names another kind of event, or the bytes do not match it.
     */
    public static GenericRecord decode(byte[] value, String fingerprintHeader, String expected) {
        Unframed unframed = unframe(value, fingerprintHeader);
        byte[] payload = unframed.avro();
        String fingerprint = unframed.fingerprint();
        if (fingerprint == null || fingerprint.isBlank()) {
            throw new InvalidEventException(InvalidEventException.SCHEMA, "the record has no " + FINGERPRINT_HEADER + " header");
        }
        if (payload == null) {
            throw new InvalidEventException(InvalidEventException.SCHEMA, "the record has no value");
        }
        Schema writer = EventSchemas.get().writerSchema(fingerprint).orElseThrow(() -> new InvalidEventException(
                InvalidEventException.SCHEMA, "unknown schema fingerprint " + fingerprint));
        Schema reader = EventSchemas.get().latest(expected == null ? writer.getFullName() : expected);
        if (!writer.getFullName().equals(reader.getFullName())) {
            throw new InvalidEventException(InvalidEventException.SCHEMA,
                    "expected a " + reader.getName() + " but the record is a " + writer.getName());
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(payload, null);
            GenericRecord record = reader(writer, reader).read(null, decoder);
            if (!decoder.isEnd()) {
                throw new InvalidEventException(InvalidEventException.SCHEMA, "trailing bytes after the " + reader.getName());
            }
            return record;
        } catch (EOFException e) {
            throw new InvalidEventException(InvalidEventException.SCHEMA, "the " + reader.getName() + " is truncated", e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new InvalidEventException(InvalidEventException.SCHEMA, "the value is not a valid " + reader.getName() + ": " + e.getMessage(), e);
        }
    }
}
