package io.caracal.core.ledger;

/**
 * The 36-character form {@code UUID.toString()} gives, as UTF-8 bytes, straight from a uuid's 16 bytes as PostgreSQL
 * sends them: the leaf holds its ids as text, and verify-range writes three or more of them per event.
 */
final class UuidText {
    /** Each byte's two lowercase hex digits. */
    private static final byte[] DIGITS = new byte[512];

    static {
        byte[] hex = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
        for (int b = 0; b < 256; b++) {
            DIGITS[2 * b] = hex[b >> 4];
            DIGITS[2 * b + 1] = hex[b & 0xf];
        }
    }

    private UuidText() {
    }

    /** Where each of the 16 bytes' two digits go among the 36 characters, around the dashes at 8, 13, 18 and 23. */
    private static final int[] PLACES = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};

    /** The text of the 16 bytes at {@code at}. */
    static byte[] of(byte[] bytes, int at) {
        byte[] text = new byte[36];
        for (int i = 0; i < 16; i++) {
            int b = bytes[at + i] & 0xff;
            text[PLACES[i]] = DIGITS[2 * b];
            text[PLACES[i] + 1] = DIGITS[2 * b + 1];
        }
        text[8] = '-';
        text[13] = '-';
        text[18] = '-';
        text[23] = '-';
        return text;
    }

    /** The text of the uuid whose first and last eight bytes are {@code high} and {@code low}. */
    static byte[] of(long high, long low) {
        byte[] sixteen = new byte[16];
        for (int i = 0; i < 8; i++) {
            sixteen[i] = (byte) (high >>> (56 - 8 * i));
            sixteen[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return of(sixteen, 0);
    }
}
