package io.caracal.core.event;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import org.apache.avro.generic.GenericRecord;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/** Reading and writing the field types our event schemas share, with validation that names the bad field. */
public final class AvroFields {
    /** Compiled once: every amount of every event read is matched against it. */
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?(\\d+(\\.\\d*)?|\\.\\d+)");

    private AvroFields() {
    }

    static String text(GenericRecord record, String field) {
        Object value = record.get(field);
        return value == null ? null : value.toString();
    }

    static String required(GenericRecord record, String field) {
        String value = text(record, field);
        if (value == null || value.isBlank()) {
            throw new InvalidEventException(InvalidEventException.CONTENT, field + " is required");
        }
        return value;
    }

    static UUID uuid(GenericRecord record, String field) {
        return parseUuid(field, required(record, field));
    }

    static UUID optionalUuid(GenericRecord record, String field) {
        String value = text(record, field);
        return value == null ? null : parseUuid(field, value);
    }

    static UUID parseUuid(String field, String value) {
        try {
            UUID id = UUID.fromString(value);
            if (!id.toString().equals(value.toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException();
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(InvalidEventException.CONTENT, field + " is not a UUID: '" + value + "'");
        }
    }

    /** A non-negative decimal with at most 9 fractional digits, as Money accepts it. */
    static BigDecimal amount(String field, String text) {
        if (text == null || !PLAIN_DECIMAL.matcher(text).matches()) {
            throw new InvalidEventException(InvalidEventException.CONTENT, field + " is not a plain decimal: '" + text + "'");
        }
        BigDecimal value = new BigDecimal(text);
        if (value.signum() < 0) {
            throw new InvalidEventException(InvalidEventException.NEGATIVE_AMOUNT, field + " is negative: " + text);
        }
        try {
            return new Money(value, new CurrencyCode("USD")).amount();
        } catch (InvalidInputException e) {
            throw new InvalidEventException(InvalidEventException.CONTENT, e.getMessage());
        }
    }

    static CurrencyCode currency(GenericRecord record, String field) {
        String code = required(record, field);
        try {
            return new CurrencyCode(code);
        } catch (InvalidInputException e) {
            throw new InvalidEventException(InvalidEventException.UNKNOWN_CURRENCY, e.getMessage());
        }
    }

    public static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    static Instant instant(GenericRecord record, String field) {
        Object value = record.get(field);
        if (!(value instanceof Long micros)) {
            throw new InvalidEventException(InvalidEventException.CONTENT, field + " is required");
        }
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /** A string map in key order, so equal events encode to equal bytes. */
    static Map<String, String> map(GenericRecord record, String field) {
        Object value = record.get(field);
        Map<String, String> out = new TreeMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> out.put(k.toString(), v == null ? "" : v.toString()));
        }
        return out;
    }

    static Map<String, String> sorted(Map<String, String> map) {
        return new LinkedHashMap<>(new TreeMap<>(map));
    }
}
