package io.caracal.core.ledger;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The stream reader of the binary bundle takes a block of any length whole, and a block cut short as the file's end. */
class BundleBytesTest {
    @Test
    void readsBlocksShorterAndLongerThanItsFirstArray() {
        byte[] file = new byte[3 * (1 << 20) + 7];
        new Random(18).nextBytes(file);
        for (int length : new int[]{0, 1, 1 << 20, (1 << 20) + 1, file.length - 1}) {
            BundleBytes.StreamIn in = new BundleBytes.StreamIn(new ByteArrayInputStream(file), BinaryBundle.MAX_TEXT);
            assertArrayEquals(Arrays.copyOf(file, length), in.fixed(length), "length " + length);
            assertEquals(length == file.length ? -1 : file[length] & 0xFF, in.next());
        }
        for (int length : new int[]{file.length + 1, Integer.MAX_VALUE}) {
            BundleBytes.StreamIn in = new BundleBytes.StreamIn(new ByteArrayInputStream(file), BinaryBundle.MAX_TEXT);
            UncheckedIOException cut = assertThrows(UncheckedIOException.class, () -> in.fixed(length));
            assertInstanceOf(EOFException.class, cut.getCause());
        }
    }
}
