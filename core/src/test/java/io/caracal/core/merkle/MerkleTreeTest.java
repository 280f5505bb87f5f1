package io.caracal.core.merkle;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The fast tree against a slow reference that is RFC 6962 §2.1 transcribed literally (MTH, PATH, SUBPROOF over the
 * leaf list, recomputing everything), on random sizes from 1 to 5,000; every proof also verifies, and a proof
 * with one bit flipped does not.
 */
class MerkleTreeTest {
    private static final long SEED = 6962L;

    /** RFC 6962 §2.1: MTH({}) = SHA-256(), MTH({d0}) = leaf hash, MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n])). */
    private static byte[] mth(List<byte[]> leaves) {
        if (leaves.isEmpty()) {
            return Rfc6962.emptyRoot();
        }
        if (leaves.size() == 1) {
            return leaves.get(0);
        }
        int k = largestPowerOfTwoBelow(leaves.size());
        return Rfc6962.nodeHash(mth(leaves.subList(0, k)), mth(leaves.subList(k, leaves.size())));
    }

    /** RFC 6962 §2.1.1 PATH(m, D[n]). */
    private static List<byte[]> path(int m, List<byte[]> leaves) {
        List<byte[]> out = new ArrayList<>();
        if (leaves.size() <= 1) {
            return out;
        }
        int k = largestPowerOfTwoBelow(leaves.size());
        if (m < k) {
            out.addAll(path(m, leaves.subList(0, k)));
            out.add(mth(leaves.subList(k, leaves.size())));
        } else {
            out.addAll(path(m - k, leaves.subList(k, leaves.size())));
            out.add(mth(leaves.subList(0, k)));
        }
        return out;
    }

    /** RFC 6962 §2.1.2 SUBPROOF(m, D[n], b). */
    private static List<byte[]> subproof(int m, List<byte[]> leaves, boolean b) {
        List<byte[]> out = new ArrayList<>();
        int n = leaves.size();
        if (m == n) {
            if (!b) {
                out.add(mth(leaves));
            }
            return out;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            out.addAll(subproof(m, leaves.subList(0, k), b));
            out.add(mth(leaves.subList(k, n)));
        } else {
            out.addAll(subproof(m - k, leaves.subList(k, n), false));
            out.add(mth(leaves.subList(0, k)));
        }
        return out;
    }

    private static int largestPowerOfTwoBelow(int n) {
        int k = 1;
        while (k * 2 < n) {
            k *= 2;
        }
        return k;
    }

    private static byte[] leaf(int i) {
        return Rfc6962.leafHash(ByteBuffer.allocate(8).putLong(i).array());
    }

    private static void assertSameHashes(List<byte[]> expected, List<byte[]> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": proof length");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + ": element " + i);
        }
    }

    @Test
    void agreesWithTheReferenceOnRandomSizesUpTo5000() {
        Random random = new Random(SEED);
        MerkleTree tree = new MerkleTree();
        List<byte[]> leaves = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int s = 1; s <= 40; s++) {
            sizes.add(s);
        }
        for (int i = 0; i < 25; i++) {
            sizes.add(1 + random.nextInt(5000));
        }
        sizes.add(4096);
        sizes.add(4097);
        sizes.add(5000);
        sizes.sort(Integer::compare);
        for (int size : sizes) {
            while (leaves.size() < size) {
                byte[] leaf = leaf(leaves.size());
                leaves.add(leaf);
                tree.append(leaf);
            }
            List<byte[]> prefix = leaves.subList(0, size);
            byte[] root = mth(prefix);
            assertArrayEquals(root, tree.root(size), "root of " + size);
            for (int t = 0; t < 4; t++) {
                int index = random.nextInt(size);
                List<byte[]> proof = tree.inclusionProof(index, size);
                assertSameHashes(path(index, prefix), proof, "inclusion of " + index + " in " + size);
                assertDoesNotThrow(() -> Proofs.verifyInclusion(index, size, prefix.get(index), proof, root));
                int size1 = 1 + random.nextInt(size);
                List<byte[]> consistency = tree.consistencyProof(size1, size);
                assertSameHashes(subproof(size1, prefix, true), consistency, "consistency " + size1 + " to " + size);
                assertDoesNotThrow(() -> Proofs.verifyConsistency(size1, size, mth(leaves.subList(0, size1)), root, consistency));
            }
        }
    }

    @Test
    void anyAlteredProofOrLeafIsRejected() {
        MerkleTree tree = new MerkleTree();
        for (int i = 0; i < 1000; i++) {
            tree.append(leaf(i));
        }
        byte[] root = tree.root(1000);
        List<byte[]> proof = tree.inclusionProof(377, 1000);
        for (int element = 0; element < proof.size(); element++) {
            List<byte[]> altered = new ArrayList<>(proof);
            byte[] flipped = Arrays.copyOf(proof.get(element), 32);
            flipped[element % 32] ^= 1;
            altered.set(element, flipped);
            assertThrows(InvalidProofException.class, () -> Proofs.verifyInclusion(377, 1000, leaf(377), altered, root));
        }
        assertThrows(InvalidProofException.class, () -> Proofs.verifyInclusion(377, 1000, leaf(378), proof, root), "another leaf");
        assertThrows(InvalidProofException.class, () -> Proofs.verifyInclusion(376, 1000, leaf(377), proof, root), "another index");
        List<byte[]> consistency = tree.consistencyProof(600, 1000);
        byte[] rewritten = tree.root(999);
        assertThrows(InvalidProofException.class, () -> Proofs.verifyConsistency(600, 1000, tree.root(600), rewritten, consistency));
        assertDoesNotThrow(() -> Proofs.verifyConsistency(600, 1000, tree.root(600), root, consistency));
    }
}
