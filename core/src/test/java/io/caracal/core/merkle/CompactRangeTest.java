package io.caracal.core.merkle;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The compact range against RFC 6962's MTH transcribed literally (MerkleTreeTest's reference), at every size to 600. */
class CompactRangeTest {

    @Test
    void itsRootIsTheTreesRootAtEverySizeAndItsEncodingResumesIt() {
        Random random = new Random(6962L);
        List<byte[]> leaves = new ArrayList<>();
        CompactRange range = CompactRange.empty();
        assertArrayEquals(Rfc6962.emptyRoot(), range.root());
        for (int n = 1; n <= 600; n++) {
            byte[] leaf = new byte[Rfc6962.HASH_SIZE];
            random.nextBytes(leaf);
            leaves.add(leaf);
            range.append(leaf);
            assertEquals(n, range.size());
            assertArrayEquals(MerkleTreeTest.mth(leaves), range.root(), "root of " + n + " leaves");
            assertEquals(Long.bitCount(n) * Rfc6962.HASH_SIZE, range.encoded().length, "one hash per set bit of " + n);
            // What is stored with a checkpoint must carry on exactly as the range it was taken from.
            range = CompactRange.decode(n, range.encoded());
        }
    }

    @Test
    void anEncodingOfTheWrongLengthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CompactRange.decode(3, new byte[Rfc6962.HASH_SIZE]));
        assertThrows(IllegalArgumentException.class, () -> CompactRange.decode(4, new byte[2 * Rfc6962.HASH_SIZE]));
        assertThrows(IllegalArgumentException.class, () -> CompactRange.decode(-1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> CompactRange.empty().append(new byte[31]));
    }
}
