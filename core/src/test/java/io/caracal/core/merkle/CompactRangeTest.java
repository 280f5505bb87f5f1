package io.caracal.core.merkle;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    /** Bridging [from, to) with the roots of the aligned subtrees that tile it gives the range of the leaves themselves. */
    @Test
    void appendingAlignedSubtreeRootsIsAppendingTheirLeaves() {
        Random random = new Random(9162L);
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 140; i++) {
            byte[] leaf = new byte[Rfc6962.HASH_SIZE];
            random.nextBytes(leaf);
            leaves.add(leaf);
        }
        for (int from = 0; from < 70; from++) {
            for (int to = from; to <= 140; to++) {
                CompactRange bridged = CompactRange.empty();
                leaves.subList(0, from).forEach(bridged::append);
                for (int at = from; at < to; ) {
                    int width = Integer.highestOneBit(to - at);
                    if (at != 0) {
                        width = Math.min(width, Integer.lowestOneBit(at));
                    }
                    bridged.appendSubtree(MerkleTreeTest.mth(leaves.subList(at, at + width)), Integer.numberOfTrailingZeros(width));
                    at += width;
                }
                assertEquals(to, bridged.size());
                assertArrayEquals(MerkleTreeTest.mth(leaves.subList(0, to)), bridged.root(), "bridged " + from + " to " + to);
            }
        }
        CompactRange three = CompactRange.empty();
        leaves.subList(0, 3).forEach(three::append);
        assertThrows(IllegalArgumentException.class, () -> three.appendSubtree(leaves.get(0), 1), "a subtree of 2 cannot start at leaf 3");
    }

    /** What the integrator stores as interior nodes: each perfect subtree exactly once, when its last leaf is appended. */
    @Test
    void eachAppendTellsOfEveryPerfectSubtreeItCompletesWithItsHash() {
        Random random = new Random(6962L);
        MerkleTree tree = new MerkleTree();
        CompactRange range = CompactRange.empty();
        Map<String, byte[]> told = new HashMap<>();
        for (int n = 1; n <= 1100; n++) {
            byte[] leaf = new byte[Rfc6962.HASH_SIZE];
            random.nextBytes(leaf);
            tree.append(leaf);
            long last = n - 1;
            range.append(leaf, (height, index, hash) -> {
                assertEquals(last, ((index + 1) << height) - 1, "subtree " + height + "/" + index + " is completed by its last leaf");
                assertNull(told.put(height + "/" + index, hash), "subtree " + height + "/" + index + " told once");
            });
        }
        int perfect = 0;
        for (int height = 1; (1L << height) <= 1100; height++) {
            for (long index = 0; (index + 1) << height <= 1100; index++) {
                assertArrayEquals(tree.subtreeRoot(index << height, (index + 1) << height), told.get(height + "/" + index), height + "/" + index);
                perfect++;
            }
        }
        assertEquals(perfect, told.size(), "no other subtree is told of");
    }

    @Test
    void anEncodingOfTheWrongLengthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CompactRange.decode(3, new byte[Rfc6962.HASH_SIZE]));
        assertThrows(IllegalArgumentException.class, () -> CompactRange.decode(4, new byte[2 * Rfc6962.HASH_SIZE]));
        assertThrows(IllegalArgumentException.class, () -> CompactRange.decode(-1, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> CompactRange.empty().append(new byte[31]));
    }
}
