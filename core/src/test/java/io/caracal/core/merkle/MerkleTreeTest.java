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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast tree against a slow reference that is RFC 6962 §2.1 transcribed literally (MTH, PATH, SUBPROOF over the
 * leaf list, recomputing everything), and the Merkle Tree Certificates draft's SUBTREE_PROOF likewise, on random
 * sizes from 1 to 5,000 and on every subtree of every tree up to 40 leaves; every proof also verifies, and a proof
 * with one bit flipped does not.
 */
class MerkleTreeTest {
    private static final long SEED = 6962L;

    /** RFC 6962 §2.1: MTH({}) = SHA-256(), MTH({d0}) = leaf hash, MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n])). */
    static byte[] mth(List<byte[]> leaves) {
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

    /**
     * The Merkle Tree Certificates draft's SUBTREE_SUBPROOF(start, end, D[n], b) over the leaf list, with
     * SUBTREE_PROOF(start, end, D[n]) = SUBTREE_SUBPROOF(start, end, D[n], true).
     */
    private static List<byte[]> subtreeSubproof(int start, int end, List<byte[]> leaves, boolean b) {
        List<byte[]> out = new ArrayList<>();
        int n = leaves.size();
        if (start == 0 && end == n) {
            if (!b) {
                out.add(mth(leaves));
            }
            return out;
        }
        int k = largestPowerOfTwoBelow(n);
        if (end <= k) {
            out.addAll(subtreeSubproof(start, end, leaves.subList(0, k), b));
            out.add(mth(leaves.subList(k, n)));
        } else if (k <= start) {
            out.addAll(subtreeSubproof(start - k, end - k, leaves.subList(k, n), b));
            out.add(mth(leaves.subList(0, k)));
        } else {
            out.addAll(subtreeSubproof(0, end - k, leaves.subList(k, n), false));
            out.add(mth(leaves.subList(0, k)));
        }
        return out;
    }

    /** The draft's BIT_CEIL: the smallest power of two not below n (1 for 0). */
    private static int bitCeil(int n) {
        int p = 1;
        while (p < n) {
            p *= 2;
        }
        return p;
    }

    /** The draft's definition of a subtree, literally: start a multiple of BIT_CEIL(end - start). */
    private static boolean isSubtree(int start, int end) {
        return 0 <= start && start <= end && start % bitCeil(end - start) == 0;
    }

    /** Every non-empty subtree of a tree of n leaves, as [start, end) pairs. */
    private static List<int[]> subtreesOf(int n) {
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < n; start++) {
            for (int end = start + 1; end <= n; end++) {
                if (isSubtree(start, end)) {
                    out.add(new int[] {start, end});
                }
            }
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

    /** One subtree's proof checked against the reference, verified, and rejected once any bit of it or of a root is flipped. */
    private static void checkSubtree(MerkleTree tree, List<byte[]> leaves, int start, int end, int size) {
        String what = "subtree [" + start + ", " + end + ") of " + size;
        List<byte[]> prefix = leaves.subList(0, size);
        byte[] subtreeRoot = mth(leaves.subList(start, end));
        byte[] treeRoot = mth(prefix);
        assertArrayEquals(subtreeRoot, tree.subtreeRoot(start, end), what + ": root");
        List<byte[]> proof = tree.subtreeConsistencyProof(start, end, size);
        assertSameHashes(subtreeSubproof(start, end, prefix, true), proof, what);
        if (start == 0 && end < size) {
            assertSameHashes(subproof(end, prefix, true), proof, what + " is RFC 6962's consistency proof from " + end);
        }
        assertDoesNotThrow(() -> Proofs.verifySubtreeConsistency(start, end, size, subtreeRoot, treeRoot, proof), what);
        for (int element = 0; element < proof.size(); element++) {
            List<byte[]> altered = new ArrayList<>(proof);
            byte[] flipped = Arrays.copyOf(proof.get(element), 32);
            flipped[(element * 7 + start) % 32] ^= (byte) (1 << (end % 8));
            altered.set(element, flipped);
            assertThrows(InvalidProofException.class, () -> Proofs.verifySubtreeConsistency(start, end, size, subtreeRoot, treeRoot, altered),
                    what + ": flipped bit in element " + element);
        }
        byte[] otherSubtreeRoot = Arrays.copyOf(subtreeRoot, 32);
        otherSubtreeRoot[size % 32] ^= 1;
        byte[] otherTreeRoot = Arrays.copyOf(treeRoot, 32);
        otherTreeRoot[start % 32] ^= 0x40;
        assertThrows(InvalidProofException.class, () -> Proofs.verifySubtreeConsistency(start, end, size, otherSubtreeRoot, treeRoot, proof),
                what + ": another subtree root");
        assertThrows(InvalidProofException.class, () -> Proofs.verifySubtreeConsistency(start, end, size, subtreeRoot, otherTreeRoot, proof),
                what + ": another tree root");
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(treeRoot);
        assertThrows(InvalidProofException.class, () -> Proofs.verifySubtreeConsistency(start, end, size, subtreeRoot, treeRoot, longer),
                what + ": a trailing hash");
        if (!proof.isEmpty()) {
            assertThrows(InvalidProofException.class,
                    () -> Proofs.verifySubtreeConsistency(start, end, size, subtreeRoot, treeRoot, proof.subList(0, proof.size() - 1)),
                    what + ": truncated");
        }
    }

    @Test
    void subtreeConsistencyAgreesWithTheReferenceOnRandomSubtreesOfRandomTreesUpTo5000() {
        Random random = new Random(SEED + 1);
        MerkleTree tree = new MerkleTree();
        List<byte[]> leaves = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sizes.add(1 + random.nextInt(5000));
        }
        sizes.add(2048);
        sizes.add(4095);
        sizes.add(4096);
        sizes.add(4097);
        sizes.add(5000);
        sizes.sort(Integer::compare);
        int startedLater = 0;
        for (int size : sizes) {
            while (leaves.size() < size) {
                byte[] leaf = leaf(leaves.size());
                leaves.add(leaf);
                tree.append(leaf);
            }
            for (int t = 0; t < 6; t++) {
                // A random subtree: a size, then a start among the multiples of its BIT_CEIL that leave room for it.
                int length = 1 + random.nextInt(t % 2 == 0 ? size : Math.min(size, 64));
                int align = bitCeil(length);
                int start = align * random.nextInt((size - length) / align + 1);
                checkSubtree(tree, leaves, start, start + length, size);
                startedLater += start > 0 ? 1 : 0;
            }
            // A batch on the log's right edge that is not its first: the last aligned block of a random power of two.
            int align = 1 << random.nextInt(32 - Integer.numberOfLeadingZeros(size));
            int start = (size - 1) / align * align;
            checkSubtree(tree, leaves, start, size, size);
            startedLater += start > 0 ? 1 : 0;
            checkSubtree(tree, leaves, 0, size, size);
        }
        assertTrue(startedLater > 100, "too few subtrees starting after leaf 0: " + startedLater);
    }

    @Test
    void everySubtreeOfEverySmallTreeAgreesAndNoProofProvesAnotherSubtree() {
        MerkleTree tree = new MerkleTree();
        List<byte[]> leaves = new ArrayList<>();
        for (int size = 1; size <= 40; size++) {
            byte[] leaf = leaf(leaves.size());
            leaves.add(leaf);
            tree.append(leaf);
            int n = size;
            byte[] treeRoot = tree.root(n);
            List<int[]> subtrees = subtreesOf(n);
            for (int[] subtree : subtrees) {
                checkSubtree(tree, leaves, subtree[0], subtree[1], n);
            }
            // Soundness: a subtree's root and proof claim no other position in the tree. (Another tree size is not always
            // rejected, nor can it be: [0, 1) of 3 leaves and of 4 have proofs of the same shape, and a tree of 4 leaves
            // whose root is the root of 3 only needs a node hash equal to leaf 2's hash, a preimage no one can find.)
            for (int[] real : subtrees) {
                byte[] subtreeRoot = tree.subtreeRoot(real[0], real[1]);
                List<byte[]> proof = tree.subtreeConsistencyProof(real[0], real[1], n);
                for (int[] claimed : subtrees) {
                    if (claimed[0] != real[0] || claimed[1] != real[1]) {
                        assertThrows(InvalidProofException.class,
                                () -> Proofs.verifySubtreeConsistency(claimed[0], claimed[1], n, subtreeRoot, treeRoot, proof),
                                "[" + real[0] + ", " + real[1] + ")'s proof claims [" + claimed[0] + ", " + claimed[1] + ") in " + n);
                    }
                }
            }
            // The empty subtree holds no leaf: it is in the tree wherever it sits, by the empty proof and the empty root.
            for (int start = 0; start <= n; start++) {
                int at = start;
                assertEquals(List.of(), tree.subtreeConsistencyProof(at, at, n));
                assertArrayEquals(Rfc6962.emptyRoot(), tree.subtreeRoot(at, at));
                assertDoesNotThrow(() -> Proofs.verifySubtreeConsistency(at, at, n, Rfc6962.emptyRoot(), treeRoot, List.of()));
                assertThrows(InvalidProofException.class, () -> Proofs.verifySubtreeConsistency(at, at, n, treeRoot, treeRoot, List.of()));
                assertThrows(InvalidProofException.class,
                        () -> Proofs.verifySubtreeConsistency(at, at, n, Rfc6962.emptyRoot(), treeRoot, List.of(treeRoot)));
            }
        }
    }

    @Test
    void unalignedRangesAreNoSubtrees() {
        MerkleTree tree = new MerkleTree();
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            leaves.add(leaf(i));
            tree.append(leaf(i));
        }
        byte[] treeRoot = tree.root(16);
        int unaligned = 0;
        for (int start = 0; start <= 16; start++) {
            for (int end = start; end <= 16; end++) {
                if (isSubtree(start, end)) {
                    continue;
                }
                unaligned++;
                int s = start;
                int e = end;
                byte[] rangeRoot = mth(leaves.subList(s, e));
                assertThrows(IllegalArgumentException.class, () -> tree.subtreeConsistencyProof(s, e, 16), "[" + s + ", " + e + ")");
                assertThrows(IllegalArgumentException.class, () -> tree.subtreeRoot(s, e), "[" + s + ", " + e + ")");
                // Not even the honest hashes of the range make it one: it is no node of the tree.
                List<byte[]> proof = new ArrayList<>(path(s, leaves));
                assertThrows(InvalidProofException.class, () -> Proofs.verifySubtreeConsistency(s, e, 16, rangeRoot, treeRoot, proof));
                assertThrows(InvalidProofException.class, () -> Proofs.verifySubtreeConsistency(s, e, 16, rangeRoot, treeRoot, List.of()));
            }
        }
        assertTrue(unaligned > 50, "too few unaligned ranges: " + unaligned);
        assertThrows(IllegalArgumentException.class, () -> tree.subtreeConsistencyProof(8, 16, 17), "beyond the tree");
        assertThrows(IllegalArgumentException.class, () -> tree.subtreeConsistencyProof(8, 16, 12), "beyond the size");
        assertThrows(InvalidProofException.class,
                () -> Proofs.verifySubtreeConsistency(8, 16, 12, tree.subtreeRoot(8, 16), tree.root(12), tree.subtreeConsistencyProof(8, 12, 12)));
        assertThrows(InvalidProofException.class,
                () -> Proofs.verifySubtreeConsistency(-8, 0, 16, Rfc6962.emptyRoot(), treeRoot, List.of()), "negative start");
        assertThrows(InvalidProofException.class,
                () -> Proofs.verifySubtreeConsistency(17, 17, 16, Rfc6962.emptyRoot(), treeRoot, List.of()), "empty, beyond the tree");
    }
}
