package io.caracal.core.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6962 proofs built from the hashes of perfect subtrees, wherever a tree keeps them: {@link MerkleTree} in memory,
 * the Merkle log's stored nodes in PostgreSQL. Proofs follow RFC 6962 §2.1.1 (PATH) and §2.1.2 (SUBPROOF), and the
 * Merkle Tree Certificates draft's SUBTREE_PROOF for subtrees (checkpointed batches); {@link Proofs} verifies them.
 * Every hash they need is a perfect aligned subtree or, on the tree's right border, a fold of a few of them, so a
 * proof asks for O(log n) subtree hashes.
 */
public final class ProofBuilder {
    /** The hash of the perfect subtree of 2^{@code height} leaves starting at leaf {@code index}·2^{@code height}. */
    @FunctionalInterface
    public interface PerfectSubtrees {
        byte[] hash(int height, long index);
    }

    private final PerfectSubtrees subtrees;

    public ProofBuilder(PerfectSubtrees subtrees) {
        this.subtrees = subtrees;
    }

    /** The inclusion proof of leaf {@code index} in the tree of the first {@code size} leaves. */
    public List<byte[]> inclusionProof(long index, long size) {
        check(index >= 0 && index < size, "no leaf " + index + " in a tree of " + size + " leaves");
        List<byte[]> proof = new ArrayList<>();
        path(index, 0, size, proof);
        return proof;
    }

    /** The consistency proof between the trees of the first {@code size1} and {@code size2} leaves. */
    public List<byte[]> consistencyProof(long size1, long size2) {
        check(size1 > 0 && size1 <= size2, "no consistency proof from " + size1 + " to " + size2 + " leaves");
        List<byte[]> proof = new ArrayList<>();
        subproof(size1, 0, size2, true, proof);
        return proof;
    }

    /** The subtree consistency proof of the aligned subtree [{@code start}, {@code end}) in the tree of {@code size} leaves. */
    public List<byte[]> subtreeConsistencyProof(long start, long end, long size) {
        checkSubtree(start, end, size);
        List<byte[]> proof = new ArrayList<>();
        if (start < end) {
            subtreeSubproof(start, end, 0, size, true, proof);
        }
        return proof;
    }

    /** MTH of leaves [lo, hi), hi > lo; ranges reached from the root are perfect and aligned on their left parts. */
    public byte[] hash(long lo, long hi) {
        long n = hi - lo;
        if (Long.bitCount(n) == 1 && lo % n == 0) {
            int height = Long.numberOfTrailingZeros(n);
            return subtrees.hash(height, lo >>> height);
        }
        long k = split(n);
        return Rfc6962.nodeHash(hash(lo, lo + k), hash(lo + k, hi));
    }

    private void path(long m, long lo, long hi, List<byte[]> proof) {
        if (hi - lo == 1) {
            return;
        }
        long k = split(hi - lo);
        if (m < k) {
            path(m, lo, lo + k, proof);
            proof.add(hash(lo + k, hi));
        } else {
            path(m - k, lo + k, hi, proof);
            proof.add(hash(lo, lo + k));
        }
    }

    private void subproof(long m, long lo, long hi, boolean whole, List<byte[]> proof) {
        if (m == hi - lo) {
            if (!whole) {
                proof.add(hash(lo, hi));
            }
            return;
        }
        long k = split(hi - lo);
        if (m <= k) {
            subproof(m, lo, lo + k, whole, proof);
            proof.add(hash(lo + k, hi));
        } else {
            subproof(m - k, lo + k, hi, false, proof);
            proof.add(hash(lo, lo + k));
        }
    }

    /**
     * SUBTREE_SUBPROOF([start, end), D[lo:hi], known) in absolute leaf positions: descend towards the subtree, adding the
     * hash of each sibling passed on the way back up; the subtree's own hash is added only if the verifier does not know
     * it already ({@code known} is false once the subtree was split between two nodes).
     */
    private void subtreeSubproof(long start, long end, long lo, long hi, boolean known, List<byte[]> proof) {
        if (start == lo && end == hi) {
            if (!known) {
                proof.add(hash(lo, hi));
            }
            return;
        }
        long mid = lo + split(hi - lo);
        if (end <= mid) {
            subtreeSubproof(start, end, lo, mid, known, proof);
            proof.add(hash(mid, hi));
        } else if (start >= mid) {
            subtreeSubproof(start, end, mid, hi, known, proof);
            proof.add(hash(lo, mid));
        } else {
            // An aligned subtree straddling mid starts at lo (a later start would be aligned to a power of two dividing
            // mid - lo, and end there). Its left part is the perfect node [lo, mid), which the tree shares as is; prove
            // its right part [mid, end) within [mid, hi), whose hash the verifier needs.
            subtreeSubproof(mid, end, mid, hi, false, proof);
            proof.add(hash(lo, mid));
        }
    }

    /** The largest power of two smaller than n (n > 1). */
    private static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    static void checkSubtree(long start, long end, long size) {
        check(Proofs.isSubtree(start, end) && end <= size, "[" + start + ", " + end + ") is not a subtree of a tree of " + size
                + " leaves: it must end within the tree and start at a multiple of the smallest power of two not below its size");
    }

    static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
