package io.caracal.core.ledger;

import io.caracal.core.merkle.Rfc6962;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical encoding of a ledger event as leaf {@code index} of the log (version 1). Every field is covered,
 * metadata and budget lines included, each length-prefixed so no two different events encode alike: a version
 * byte, the leaf index, then event id, agent id, hold id (empty when none), amount (plain, 9 decimals), currency,
 * occurred and recorded times (microseconds since the epoch), resource (a presence byte, then the text), and the
 * metadata and budget lines as counted, key-sorted pairs. The index is inside the leaf, so moving an event to
 * another position changes its hash. Integers are big-endian, texts UTF-8 after their length (a 4-byte int).
 */
public final class LedgerLeaf {
    public static final byte VERSION = 1;
    /** A hold id or resource the event has none of. */
    static final byte[] NONE = {};
    private static final ThreadLocal<Out> BUFFER = ThreadLocal.withInitial(Out::new);

    private LedgerLeaf() {
    }

    /**
     * An event's fields as the leaf holds them: each text in UTF-8 (ids in their 36-character form, amounts plain
     * with 9 decimals), {@code holdId} empty and {@code resource} null when the event has none, and the metadata and
     * budget lines as key, value, key, value... sorted by key. What {@link LedgerRow} and the binary COPY reader
     * ({@link LeafReader}) both reduce an event to, so both encode it through the same code.
     */
    record Fields(byte[] eventId, byte[] agentId, byte[] holdId, byte[] amount, byte[] currency, long occurredMicros, long recordedMicros,
                  byte[] resource, List<byte[]> metadata, List<byte[]> lines) {
    }

    public static byte[] encode(long index, LedgerRow row) {
        List<byte[]> metadata = new ArrayList<>();
        new TreeMap<>(row.metadata()).forEach((key, value) -> {
            metadata.add(utf8(key));
            metadata.add(utf8(value));
        });
        Map<String, BigDecimal> sorted = new TreeMap<>();
        row.lines().forEach((policy, amount) -> sorted.put(policy.toString(), amount));
        List<byte[]> lines = new ArrayList<>();
        sorted.forEach((policy, amount) -> {
            lines.add(utf8(policy));
            lines.add(amount(amount));
        });
        return encode(index, new Fields(utf8(row.eventId().toString()), utf8(row.agentId().toString()),
                utf8(row.holdId() == null ? "" : row.holdId().toString()), amount(row.amount()), utf8(row.currency()),
                micros(row.occurredAt()), micros(row.recordedAt()), row.resource() == null ? null : utf8(row.resource()), metadata, lines));
    }

    static byte[] encode(long index, Fields fields) {
        Out out = new Out();
        write(index, fields, out);
        return out.bytes();
    }

    private static void write(long index, Fields fields, Out out) {
        out.writeByte(VERSION);
        out.writeLong(index);
        out.text(fields.eventId());
        out.text(fields.agentId());
        out.text(fields.holdId());
        out.text(fields.amount());
        out.text(fields.currency());
        out.writeLong(fields.occurredMicros());
        out.writeLong(fields.recordedMicros());
        out.writeByte(fields.resource() == null ? 0 : 1);
        out.text(fields.resource() == null ? NONE : fields.resource());
        out.pairs(fields.metadata());
        out.pairs(fields.lines());
    }

    public static byte[] hash(long index, LedgerRow row) {
        return Rfc6962.leafHash(encode(index, row));
    }

    /** Encoded in this thread's buffer and hashed from it: the verifiers hash every leaf of a log or bundle, one after another. */
    static byte[] hash(long index, Fields fields) {
        Out out = BUFFER.get();
        out.size = 0;
        write(index, fields, out);
        return Rfc6962.leafHash(out.buffer, out.size);
    }

    /**
     * Sorts key, value, key, value... by key in the order the leaf signs, that of the keys as Strings (as {@link #encode(long, LedgerRow)}
     * sorts them), from valid UTF-8; false when a key repeats. An insertion sort: what an exporter wrote is sorted already, or nearly.
     */
    static boolean sortPairs(List<byte[]> pairs) {
        for (int i = 2; i < pairs.size(); i += 2) {
            byte[] key = pairs.get(i);
            byte[] value = pairs.get(i + 1);
            int at = i;
            for (; at > 0; at -= 2) {
                int order = compareAsStrings(pairs.get(at - 2), key);
                if (order == 0) {
                    return false;
                }
                if (order < 0) {
                    break;
                }
                pairs.set(at, pairs.get(at - 2));
                pairs.set(at + 1, pairs.get(at - 1));
            }
            pairs.set(at, key);
            pairs.set(at + 1, value);
        }
        return true;
    }

    /**
     * String.compareTo of two valid UTF-8 texts without decoding them. UTF-8 bytes sort by code point, UTF-16 units
     * too except that U+10000 and up (surrogates, D800-DFFF) come before U+E000-U+FFFF: where the first differing
     * bytes lead one character of each kind (F0-F4 against EE-EF), the order turns.
     */
    static int compareAsStrings(byte[] a, byte[] b) {
        int at = Arrays.mismatch(a, b);
        if (at < 0) {
            return 0;
        }
        if (at == a.length || at == b.length) {
            return a.length - b.length;
        }
        int x = a[at] & 0xFF;
        int y = b[at] & 0xFF;
        if (x >= 0xEE && y >= 0xEE && (x >= 0xF0) != (y >= 0xF0)) {
            return y - x;
        }
        return x - y;
    }

    /** An amount as the leaf writes it, plain with 9 decimals; refuses (ArithmeticException) what would need rounding. */
    static byte[] amount(BigDecimal value) {
        return value.setScale(9, RoundingMode.UNNECESSARY).toPlainString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The amount of {@code units} billionths as the leaf writes it, what {@code BigDecimal.valueOf(units, 9).toPlainString()}
     * prints, for any units but Long.MIN_VALUE, without a BigDecimal: the verifiers print every amount of a log or bundle.
     */
    static byte[] amount(long units) {
        long whole = Math.abs(units / 1_000_000_000L);
        int fraction = (int) Math.abs(units % 1_000_000_000L);
        int wholeDigits = 1;
        for (long rest = whole; rest >= 10; rest /= 10) {
            wholeDigits++;
        }
        byte[] text = new byte[(units < 0 ? 1 : 0) + wholeDigits + 10];
        int at = text.length;
        for (int i = 0; i < 9; i++) {
            text[--at] = (byte) ('0' + fraction % 10);
            fraction /= 10;
        }
        text[--at] = '.';
        do {
            text[--at] = (byte) ('0' + whole % 10);
            whole /= 10;
        } while (whole != 0);
        if (units < 0) {
            text[0] = '-';
        }
        return text;
    }

    /** A time as the leaf holds it: microseconds since 1970. */
    static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A growing big-endian buffer without DataOutputStream's stream layers: verify-range encodes every leaf of the log. */
    private static final class Out {
        private byte[] buffer = new byte[256];
        private int size;

        void writeByte(int value) {
            room(1);
            buffer[size++] = (byte) value;
        }

        void writeInt(int value) {
            room(4);
            for (int shift = 24; shift >= 0; shift -= 8) {
                buffer[size++] = (byte) (value >>> shift);
            }
        }

        void writeLong(long value) {
            room(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buffer[size++] = (byte) (value >>> shift);
            }
        }

        void text(byte[] utf8) {
            writeInt(utf8.length);
            room(utf8.length);
            System.arraycopy(utf8, 0, buffer, size, utf8.length);
            size += utf8.length;
        }

        void pairs(List<byte[]> keysAndValues) {
            writeInt(keysAndValues.size() / 2);
            for (int i = 0; i < keysAndValues.size(); i++) {
                text(keysAndValues.get(i));
            }
        }

        byte[] bytes() {
            return Arrays.copyOf(buffer, size);
        }

        private void room(int more) {
            if (size + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }
    }
}
