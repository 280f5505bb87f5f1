package io.caracal.core.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only RFC 6962 tree over leaf hashes, kept in memory with every complete (perfect, aligned) subtree's
 * hash, so the root of any prefix and any proof cost O(log² n) hashes instead of rehashing the leaves.
 * Proofs follow RFC 6962 §2.1.1 (PATH) and §2.1.2 (SUBPROOF); {@link Proofs} verifies them.
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

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
