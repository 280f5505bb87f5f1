package io.caracal.core.ledger;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.UUID;

/**
 * The tuples of a binary {@code COPY (...) TO STDOUT}, each as the array its CopyData message arrived in. The backend
 * sends one message per row (the protocol's "COPY Operations"), so a tuple is handed to another thread as it is and its
 * fields are read in place: reading them through a stream cost a copy of every field on the one reading thread.
 */
final class CopyTuples {
    /** What starts a binary COPY stream, either way. */
    static final byte[] SIGNATURE = "PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1);
    /** PostgreSQL counts time in microseconds from 2000-01-01. */
    static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;

    private final CopyOut copy;
    private final int fields;
    private boolean first = true;

    private CopyTuples(CopyOut copy, int fields) {
        this.copy = copy;
        this.fields = fields;
    }

    /** Starts {@code select}, whose rows have {@code fields} columns. Read it to the end before using the connection again. */
    static CopyTuples open(Connection c, String select, int fields) throws SQLException {
        return new CopyTuples(c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + select + ") TO STDOUT (FORMAT binary)"), fields);
    }

    /** The next tuple, or null after the last. */
    Tuple next() throws SQLException {
        byte[] bytes = nextBytes();
        return bytes == null ? null : new Tuple(bytes, fields);
    }

    /** The next tuple's bytes, to be read by {@link #tuple} (on another thread), or null after the last. */
    byte[] nextBytes() throws SQLException {
        byte[] message = copy.readFromCopy();
        if (message == null) {
            throw new SQLException("the COPY stream ended without its trailer");
        }
        if (first) {
            first = false;
            message = afterHeader(message);
        }
        if (message.length == 2 && message[0] == -1 && message[1] == -1) {
            if (copy.readFromCopy() != null) {
                throw new SQLException("data after the COPY trailer");
            }
            return null;
        }
        return message;
    }

    /** The tuple of {@code fields} columns in {@code bytes}, which {@link #nextBytes} returned. */
    static Tuple tuple(byte[] bytes, int fields) {
        try {
            return new Tuple(bytes, fields);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static byte[] afterHeader(byte[] message) throws SQLException {
        int header = SIGNATURE.length + 8;
        if (message.length < header || !Arrays.equals(message, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
            throw new SQLException("not a binary COPY stream");
        }
        int extension = ByteBuffer.wrap(message, SIGNATURE.length + 4, 4).getInt();
        return Arrays.copyOfRange(message, header + extension, message.length);
    }

    /** One row: its fields located in the message's bytes, each read in place. */
    static final class Tuple {
        private final byte[] bytes;
        /** Where each field's bytes start; its length is the 4 bytes before. */
        private final int[] start;

        Tuple(byte[] bytes, int fields) throws SQLException {
            this.bytes = bytes;
            if (bytes.length < 2 || int16(bytes, 0) != fields) {
                throw new SQLException("expected tuples of " + fields + " columns");
            }
            start = new int[fields];
            int at = 2;
            for (int i = 0; i < fields; i++) {
                if (at + 4 > bytes.length) {
                    throw new SQLException("a truncated COPY tuple");
                }
                start[i] = at + 4;
                at = start[i] + Math.max(int32(bytes, at), 0);
                if (at > bytes.length) {
                    throw new SQLException("a truncated COPY tuple");
                }
            }
        }

        boolean isNull(int field) {
            return length(field) < 0;
        }

        /** The field's bytes, or null for SQL NULL. */
        byte[] bytes(int field) {
            return isNull(field) ? null : Arrays.copyOfRange(bytes, start[field], start[field] + length(field));
        }

        /** The field's length in bytes, -1 for SQL NULL. */
        int length(int field) {
            return int32(bytes, start[field] - 4);
        }

        /** Copies the first {@code count} bytes of a field that has at least that many. */
        void copy(int field, byte[] to, int at, int count) {
            if (length(field) < count) {
                throw new IllegalStateException("field " + field + " has " + length(field) + " bytes, not " + count);
            }
            System.arraycopy(bytes, start[field], to, at, count);
        }

        long int64(int field) {
            return int64(bytes, start[field]);
        }

        /** A uuid's first (0) or second (1) eight bytes. */
        long uuidHalf(int field, int half) {
            return int64(bytes, start[field] + 8 * half);
        }

        /** A uuid's 36-character text. */
        byte[] uuidText(int field) {
            return UuidText.of(bytes, start[field]);
        }

        UUID uuid(int field) {
            return new UUID(uuidHalf(field, 0), uuidHalf(field, 1));
        }

        /** A timestamptz as microseconds since 1970. */
        long micros(int field) {
            return int64(field) + POSTGRES_EPOCH_MICROS;
        }

        private static long int64(byte[] b, int at) {
            long value = 0;
            for (int i = at; i < at + 8; i++) {
                value = value << 8 | (b[i] & 0xff);
            }
            return value;
        }

        private static int int16(byte[] b, int at) {
            return (short) ((b[at] & 0xff) << 8 | (b[at + 1] & 0xff));
        }

        private static int int32(byte[] b, int at) {
            return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
        }
    }
}
