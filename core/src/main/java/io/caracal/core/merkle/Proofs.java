package io.caracal.core.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Verification of inclusion and consistency proofs, as RFC 9162 §2.1.3.2 and §2.1.4.2 give the algorithms, and of their
 * subtree forms (a subtree being an aligned leaf range, as the IETF Merkle Tree Certificates draft defines it). Pure
 * functions of their arguments: a verifier needs nothing but the proof, the sizes and the roots it trusts.
 */
public final class Proofs {
    private Proofs() {
    }

    /** That the leaf with hash {@code leafHash} is leaf {@code index} of the tree of {@code size} leaves whose root is {@code root}. */
    public static void verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root) throws InvalidProofException {
        requireHash("leaf hash", leafHash);
        requireHash("root", root);
        proof = requireHashes(proof);
        if (index < 0 || index >= size) {
            throw new InvalidProofException("leaf index " + index + " is outside a tree of " + size + " leaves");
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            if (sn == 0) {
                throw new InvalidProofException("the inclusion proof is longer than the tree is deep");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = Rfc6962.nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = Rfc6962.nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException("the inclusion proof is shorter than the tree is deep");
        }
        if (!MessageDigest.isEqual(r, root)) {
            throw new InvalidProofException("the inclusion proof leads to another root: leaf " + index + " is not in this tree");
        }
    }

    /**
     * That leaf {@code index} is in the subtree over leaves [{@code start}, {@code end}) whose root is {@code root}:
     * "this charge is in this checkpointed batch". A subtree is a node of every tree that contains it, so it must
     * be aligned: {@code start} a multiple of the smallest power of two not below its size.
     */
    public static void verifySubtreeInclusion(long index, long start, long end, byte[] leafHash, List<byte[]> proof, byte[] root)
            throws InvalidProofException {
        requireSubtree(start, end);
        if (index < start || index >= end) {
            throw new InvalidProofException("leaf " + index + " is outside the subtree [" + start + ", " + end + ")");
        }
        verifyInclusion(index - start, end - start, leafHash, proof, root);
    }

    private static void requireSubtree(long start, long end) throws InvalidProofException {
        if (end <= start || !isSubtree(start, end)) {
            throw new InvalidProofException("[" + start + ", " + end + ") is not a subtree: it must be non-empty and start at a multiple"
                    + " of the smallest power of two not below its size");
        }
    }

    /**
     * Whether [{@code start}, {@code end}) is a subtree in the Merkle Tree Certificates sense: {@code start} is a multiple
     * of BIT_CEIL(end - start), so the range is one node of every tree that contains it (BIT_CEIL(0) = 1: any empty range
     * is one). Tested on trailing zeros rather than by building the power of two, which overflows near 2^63.
     */
    static boolean isSubtree(long start, long end) {
        if (start < 0 || end < start) {
            return false;
        }
        int log2Ceil = 64 - Long.numberOfLeadingZeros(Math.max(end - start - 1, 0));
        return start == 0 || Long.numberOfTrailingZeros(start) >= log2Ceil;
    }

    /** That the tree of {@code size1} leaves with root {@code root1} is a prefix of the tree of {@code size2} leaves with root {@code root2}. */
    public static void verifyConsistency(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) throws InvalidProofException {
        proof = requireHashes(proof);
        if (size1 <= 0 || size2 < size1) {
            // A consistency proof from the empty tree proves nothing; a tree cannot shrink.
            throw new InvalidProofException("no consistency proof exists from a tree of " + size1 + " leaves to one of " + size2);
        }
        if (size1 == size2) {
            if (!proof.isEmpty()) {
                throw new InvalidProofException("a tree is consistent with itself by an empty proof, not one of " + proof.size() + " hashes");
            }
            // Equal trees need no hashing: the roots are compared as given (the shared vectors expect exactly this).
            if (root1 == null || !MessageDigest.isEqual(root1, root2)) {
                throw new InvalidProofException("two trees of " + size1 + " leaves have different roots");
            }
            return;
        }
        requireHash("first root", root1);
        requireHash("second root", root2);
        if (proof.isEmpty()) {
            throw new InvalidProofException("the consistency proof is empty");
        }
        List<byte[]> path = new ArrayList<>(proof);
        if (Long.bitCount(size1) == 1) {
            path.add(0, root1);
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                throw new InvalidProofException("the consistency proof is longer than the trees are deep");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = Rfc6962.nodeHash(c, fr);
                sr = Rfc6962.nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = Rfc6962.nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException("the consistency proof is shorter than the trees are deep");
        }
        if (!MessageDigest.isEqual(fr, root1)) {
            throw new InvalidProofException("the consistency proof does not lead to the first root");
        }
        if (!MessageDigest.isEqual(sr, root2)) {
            throw new InvalidProofException("the consistency proof does not lead to the second root: the log was rewritten");
        }
    }

    /**
     * That the subtree over leaves [{@code start}, {@code end}) whose root is {@code subtreeRoot} sits at exactly those
     * positions in the tree of {@code size} leaves whose root is {@code treeRoot}: "this checkpointed batch is in this
     * log". The procedure is the Merkle Tree Certificates draft's "Verifying a Subtree Consistency Proof"; with
     * {@code start} = 0 it is RFC 9162's consistency verification from a tree of {@code end} leaves.
     * <p>
     * The empty range holds no leaf, so it is in every tree whatever its root: it verifies by an empty proof exactly when
     * {@code subtreeRoot} is the empty tree's root (the shared vectors expect exactly this).
     */
    public static void verifySubtreeConsistency(long start, long end, long size, byte[] subtreeRoot, byte[] treeRoot, List<byte[]> proof)
            throws InvalidProofException {
        proof = requireHashes(proof);
        if (!isSubtree(start, end) || end > size) {
            throw new InvalidProofException("[" + start + ", " + end + ") is not a subtree of a tree of " + size + " leaves: it must end"
                    + " within the tree and start at a multiple of the smallest power of two not below its size");
        }
        if (start == end) {
            if (!proof.isEmpty()) {
                throw new InvalidProofException("an empty subtree is in every tree by an empty proof, not one of " + proof.size() + " hashes");
            }
            if (subtreeRoot == null || !MessageDigest.isEqual(subtreeRoot, Rfc6962.emptyRoot())) {
                throw new InvalidProofException("an empty subtree's root is the empty tree's root");
            }
            return;
        }
        if (start == 0 && end == size) {
            // The subtree is the whole tree: as for two equal trees, the roots are compared as given.
            if (!proof.isEmpty()) {
                throw new InvalidProofException("a tree is its own subtree by an empty proof, not one of " + proof.size() + " hashes");
            }
            if (subtreeRoot == null || !MessageDigest.isEqual(subtreeRoot, treeRoot)) {
                throw new InvalidProofException("the subtree is the whole tree of " + size + " leaves but the roots differ");
            }
            return;
        }
        requireHash("subtree root", subtreeRoot);
        requireHash("tree root", treeRoot);
        // fn and sn are the subtree's first and last leaf, tn the tree's last leaf; shifting all three right climbs a level.
        long fn = start;
        long sn = end - 1;
        long tn = size - 1;
        if (sn == tn) {
            // The subtree ends where the tree does, so it is a node on the tree's right border: climb to that node,
            // whose hash is subtreeRoot itself and needs nothing from the proof.
            while (fn != sn) {
                fn >>>= 1;
                sn >>>= 1;
                tn >>>= 1;
            }
        } else {
            // Climb the subtree's rightmost perfect part, which the tree shares as one node; it is subtreeRoot itself
            // when the subtree is perfect (fn reaches sn), and otherwise the proof's first hash.
            while (fn != sn && (sn & 1) == 1) {
                fn >>>= 1;
                sn >>>= 1;
                tn >>>= 1;
            }
        }
        List<byte[]> rest = proof;
        byte[] fr = subtreeRoot;
        if (fn != sn) {
            if (proof.isEmpty()) {
                throw new InvalidProofException("the subtree consistency proof is empty");
            }
            fr = proof.get(0);
            rest = proof.subList(1, proof.size());
        }
        // fr rebuilds the subtree's root, sr the tree's, both from the same seed; a left sibling below the subtree's root
        // (fn < sn) is inside the subtree and feeds both, any other sibling only the tree's.
        byte[] sr = fr;
        for (byte[] c : rest) {
            if (tn == 0) {
                throw new InvalidProofException("the subtree consistency proof is longer than the tree is deep");
            }
            if ((sn & 1) == 1 || sn == tn) {
                if (fn < sn) {
                    fr = Rfc6962.nodeHash(c, fr);
                }
                sr = Rfc6962.nodeHash(c, sr);
                // A last node with no right sibling is promoted unchanged: climb until it is a right child again.
                while ((sn & 1) == 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                    tn >>>= 1;
                }
            } else {
                sr = Rfc6962.nodeHash(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
            tn >>>= 1;
        }
        if (tn != 0) {
            throw new InvalidProofException("the subtree consistency proof is shorter than the tree is deep");
        }
        if (!MessageDigest.isEqual(fr, subtreeRoot)) {
            throw new InvalidProofException("the subtree consistency proof does not lead to the subtree's root");
        }
        if (!MessageDigest.isEqual(sr, treeRoot)) {
            throw new InvalidProofException("the subtree consistency proof does not lead to the tree's root: the subtree is not in this tree");
        }
    }

    private static void requireHash(String what, byte[] hash) throws InvalidProofException {
        if (hash == null || hash.length != Rfc6962.HASH_SIZE) {
            throw new InvalidProofException(what + " must be a " + Rfc6962.HASH_SIZE + "-byte SHA-256 hash");
        }
    }

    private static List<byte[]> requireHashes(List<byte[]> proof) throws InvalidProofException {
        if (proof == null) {
            return List.of();
        }
        for (byte[] hash : proof) {
            requireHash("every proof element", hash);
        }
        return proof;
    }
}
