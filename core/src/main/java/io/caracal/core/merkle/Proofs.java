package io.caracal.core.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Verification of inclusion and consistency proofs, as RFC 9162 §2.1.3.2 and §2.1.4.2 give the algorithms. Pure
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
        long size = end - start;
        if (start < 0 || size <= 0 || start % Long.highestOneBit(size * 2 - 1) != 0) {
            throw new InvalidProofException("[" + start + ", " + end + ") is not a subtree: it must be non-empty and start at a multiple"
                    + " of the smallest power of two not below its size");
        }
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
