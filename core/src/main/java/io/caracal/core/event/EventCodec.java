package io.caracal.core.event;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Avro binary encoding of events. The writer schema travels as a fingerprint in the record header
 * {@value #FINGERPRINT_HEADER}, never inside the payload; decoding resolves it against the latest version of the
 * schema the consumer expects, so old records stay readable after a compatible schema change.
 */
public final class EventCodec {
    public static final String FINGERPRINT_HEADER = "schema_fingerprint";
    public static final String EVENT_ID_HEADER = "event_id";
    public static final String EVENT_TYPE_HEADER = "event_type";

    private EventCodec() {
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
        Schema writer = fingerprint == null ? null : EventSchemas.get().writerSchema(fingerprint).orElse(null);
        return decode(payload, fingerprint, writer == null ? null : writer.getFullName());
    }

    /**
     * Reads a payload written with the schema {@code fingerprint} names, as the latest version of
     * {@code expected}. Throws {@link InvalidEventException} when the fingerprint is missing or unknown, names
     * another kind of event, or the bytes do not match it.
     */
    public static GenericRecord decode(byte[] payload, String fingerprint, String expected) {
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
            GenericRecord record = new GenericDatumReader<GenericRecord>(writer, reader).read(null, decoder);
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
