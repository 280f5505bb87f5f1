package io.caracal.core.ledger;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * The primitives of the binary bundle (see {@link BinaryBundle}): unsigned LEB128 varints, zigzag varints for signed
 * numbers, length-prefixed UTF-8 strings and byte strings, UUIDs as 16 big-endian bytes, amounts as the two's
 * complement bytes of their value in units of 10^-9 (the precision {@link LedgerLeaf} signs).
 */
final class BundleBytes {
    private BundleBytes() {
    }

    /** A growing byte buffer with the writers of each primitive. */
    static final class Out extends ByteArrayOutputStream {
        Out(int size) {
            super(size);
        }

        void uvarint(long value) {
            while ((value & ~0x7FL) != 0) {
                write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            write((int) value);
        }

        void svarint(long value) {
            uvarint((value << 1) ^ (value >> 63));
        }

        void bytes(byte[] value) {
            uvarint(value.length);
            writeBytes(value);
        }

        void text(String value) {
            bytes(value.getBytes(StandardCharsets.UTF_8));
        }

        void uuid(UUID value) {
            fixed(value.getMostSignificantBits());
            fixed(value.getLeastSignificantBits());
        }

        private void fixed(long value) {
            for (int shift = 56; shift >= 0; shift -= 8) {
                write((int) (value >>> shift));
            }
        }

        void amount(BigDecimal value) {
            bytes(value.setScale(9, RoundingMode.UNNECESSARY).unscaledValue().toByteArray());
        }
    }

    /** Reads the primitives; anything short or out of range is an {@link IllegalArgumentException} (a stream's end an {@link UncheckedIOException}). */
    abstract static class In {
        abstract int u8();

        abstract byte[] fixed(int length);

        /** How many bytes may still follow: the bound of any length read. */
        abstract long remaining();

        long uvarint() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8();
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new IllegalArgumentException("a varint longer than 64 bits");
        }

        /** An unsigned varint that must fit a count or length of at most {@code max}. */
        int count(long max) {
            long value = uvarint();
            if (value < 0 || value > max) {
                throw new IllegalArgumentException("a count or length of " + Long.toUnsignedString(value) + " where at most " + max + " fits");
            }
            return (int) value;
        }

        long svarint() {
            long raw = uvarint();
            return (raw >>> 1) ^ -(raw & 1);
        }

        byte[] bytes() {
            return fixed(count(remaining()));
        }

        String text() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        UUID uuid() {
            return new UUID(fixedLong(), fixedLong());
        }

        private long fixedLong() {
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | u8();
            }
            return value;
        }

        /** A uuid in the 36-character form the leaf encodes. */
        byte[] uuidText() {
            return UuidText.of(fixed(16), 0);
        }

        /**
         * A text as the leaf encodes it: the String's UTF-8, where decoding replaced any invalid bytes. ASCII is that
         * already; only other texts take the trip through a String (a valid one comes back as it was).
         */
        byte[] leafText() {
            byte[] utf8 = bytes();
            for (byte b : utf8) {
                if (b < 0) {
                    return new String(utf8, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
                }
            }
            return utf8;
        }

        /** An amount as the leaf encodes it, plain with 9 decimals, without a BigDecimal when its units fit a long (all but the minimum). */
        byte[] leafAmount() {
            byte[] unscaled = bytes();
            if (unscaled.length == 0) {
                throw new IllegalArgumentException("an amount with no digits");
            }
            if (unscaled.length <= Long.BYTES) {
                long units = unscaled[0]; // sign-extended
                for (int i = 1; i < unscaled.length; i++) {
                    units = (units << 8) | (unscaled[i] & 0xFF);
                }
                if (units != Long.MIN_VALUE) {
                    return LedgerLeaf.amount(units);
                }
            }
            return LedgerLeaf.amount(new BigDecimal(new BigInteger(unscaled), 9));
        }
    }

    /** Reads a byte array: one block, decoded apart from the file. */
    static final class ArrayIn extends In {
        private final byte[] data;
        private int at;

        ArrayIn(byte[] data) {
            this.data = data;
        }

        boolean atEnd() {
            return at == data.length;
        }

        @Override
        int u8() {
            if (at == data.length) {
                throw new IllegalArgumentException("it ends too early");
            }
            return data[at++] & 0xFF;
        }

        @Override
        byte[] fixed(int length) {
            int start = take(length);
            return Arrays.copyOfRange(data, start, start + length);
        }

        /** Straight from the block, without copying its 16 bytes first. */
        @Override
        byte[] uuidText() {
            return UuidText.of(data, take(16));
        }

        /** Passes the next {@code length} bytes; where they start. */
        private int take(int length) {
            if (length > data.length - at) {
                throw new IllegalArgumentException("it ends " + (length - (data.length - at)) + " bytes too early");
            }
            int start = at;
            at += length;
            return start;
        }

        @Override
        long remaining() {
            return data.length - at;
        }
    }

    /** Reads the file as a stream; its end where more is needed is an {@link EOFException}, wrapped. */
    static final class StreamIn extends In {
        private final InputStream in;
        private final long maxLength;

        StreamIn(InputStream in, long maxLength) {
            this.in = in;
            this.maxLength = maxLength;
        }

        @Override
        int u8() {
            try {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException();
                }
                return b;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Read into one array up to a megabyte (readNBytes(int) reads in pieces and copies them all again); longer,
         * grown as the bytes arrive, so a damaged length cannot allocate more than twice what the file holds.
         */
        @Override
        byte[] fixed(int length) {
            try {
                byte[] value = new byte[Math.min(length, 1 << 20)];
                int read = in.readNBytes(value, 0, value.length);
                while (read == value.length && read < length) {
                    value = Arrays.copyOf(value, (int) Math.min(length, 2L * value.length));
                    read += in.readNBytes(value, read, value.length - read);
                }
                if (read < length) {
                    throw new EOFException();
                }
                return value;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A stream's length is unknown; a length beyond this bound is refused rather than allocated. */
        @Override
        long remaining() {
            return maxLength;
        }

        /** The next byte, or -1 at the end of the stream. */
        int next() {
            try {
                return in.read();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
