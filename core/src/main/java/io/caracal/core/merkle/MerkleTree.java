package io.caracal.core.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only RFC 6962 tree over leaf hashes, kept in memory with every complete (perfect, aligned) subtree's
 * hash, so the root of any prefix and any proof cost O(log² n) hashes instead of rehashing the leaves.
 * Proofs follow RFC 6962 §2.1.1 (PATH) and §2.1.2 (SUBPROOF), and the Merkle Tree Certificates draft's SUBTREE_PROOF for
 * subtrees (checkpointed batches); {@link Proofs} verifies them.
 */
public final class MerkleTree {
    /** levels.get(k).get(i): hash of the perfect subtree of 2^k leaves starting at leaf i·2^k. */
    private final List<List<byte[]>> levels = new ArrayList<>();

    public void append(byte[] leafHash) {
        if (leafHash == null || leafHash.length != Rfc6962.HASH_SIZE) {
            throw new IllegalArgumentException("a leaf hash is " + Rfc6962.HASH_SIZE + " bytes");
        }
        byte[] node = leafHash;
        for (int level = 0; ; level++) {
            if (levels.size() == level) {
                levels.add(new ArrayList<>());
            }
            List<byte[]> row = levels.get(level);
            row.add(node);
            if (row.size() % 2 == 1) {
                return;
            }
            node = Rfc6962.nodeHash(row.get(row.size() - 2), node);
        }
    }

    public long size() {
        return levels.isEmpty() ? 0 : levels.get(0).size();
    }

    /** The root of the first {@code size} leaves. */
    public byte[] root(long size) {
        check(size <= size(), "the tree has only " + size() + " leaves, not " + size);
        return size == 0 ? Rfc6962.emptyRoot() : hash(0, size);
    }

    /** The inclusion proof of leaf {@code index} in the tree of the first {@code size} leaves. */
    public List<byte[]> inclusionProof(long index, long size) {
        check(size <= size() && index >= 0 && index < size, "no leaf " + index + " in a tree of " + size + " leaves");
        List<byte[]> proof = new ArrayList<>();
        path(index, 0, size, proof);
        return proof;
    }

    /** The consistency proof between the trees of the first {@code size1} and {@code size2} leaves. */
    public List<byte[]> consistencyProof(long size1, long size2) {
        check(size1 > 0 && size1 <= size2 && size2 <= size(), "no consistency proof from " + size1 + " to " + size2 + " leaves");
        List<byte[]> proof = new ArrayList<>();
        subproof(size1, 0, size2, true, proof);
        return proof;
    }

    /**
     * The root of the subtree over leaves [{@code start}, {@code end}): a checkpointed batch's root. Only aligned ranges
     * (see {@link Proofs#verifySubtreeConsistency}) are subtrees, being a node of every tree that contains them.
     */
    public byte[] subtreeRoot(long start, long end) {
        checkSubtree(start, end, size());
        return start == end ? Rfc6962.emptyRoot() : hash(start, end);
    }

    /**
     * The subtree consistency proof that the subtree over leaves [{@code start}, {@code end}) is part of the tree of the
     * first {@code size} leaves: SUBTREE_PROOF of the Merkle Tree Certificates draft, which with {@code start} = 0 is
     * RFC 6962's PROOF(end, D[size]). The empty subtree is in every tree by the empty proof.
     */
    public List<byte[]> subtreeConsistencyProof(long start, long end, long size) {
        check(size <= size(), "the tree has only " + size() + " leaves, not " + size);
        checkSubtree(start, end, size);
        List<byte[]> proof = new ArrayList<>();
        if (start < end) {
            subtreeSubproof(start, end, 0, size, true, proof);
        }
        return proof;
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

    /** MTH of leaves [lo, hi); ranges reached from the root are perfect and aligned on their left parts. */
    private byte[] hash(long lo, long hi) {
        long n = hi - lo;
        if (Long.bitCount(n) == 1 && lo % n == 0) {
            return levels.get(Long.numberOfTrailingZeros(n)).get((int) (lo / n));
        }
        long k = split(n);
        return Rfc6962.nodeHash(hash(lo, lo + k), hash(lo + k, hi));
    }

    /** The largest power of two smaller than n (n > 1). */
    private static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    private static void checkSubtree(long start, long end, long size) {
        check(Proofs.isSubtree(start, end) && end <= size, "[" + start + ", " + end + ") is not a subtree of a tree of " + size
                + " leaves: it must end within the tree and start at a multiple of the smallest power of two not below its size");
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
