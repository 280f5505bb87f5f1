package io.caracal.core.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * An append-only RFC 6962 tree over leaf hashes, kept in memory with every complete (perfect, aligned) subtree's
 * hash, so the root of any prefix and any proof cost O(log² n) hashes instead of rehashing the leaves. Its proofs are
 * {@link ProofBuilder}'s over those hashes.
 */
public final class MerkleTree {
    /** levels.get(k).get(i): hash of the perfect subtree of 2^k leaves starting at leaf i·2^k. */
    private final List<List<byte[]>> levels = new ArrayList<>();
    private final ProofBuilder proofs = new ProofBuilder((height, index) -> levels.get(height).get((int) index));

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
        return size == 0 ? Rfc6962.emptyRoot() : proofs.hash(0, size);
    }

    /** The inclusion proof of leaf {@code index} in the tree of the first {@code size} leaves. */
    public List<byte[]> inclusionProof(long index, long size) {
        check(size <= size() && index >= 0 && index < size, "no leaf " + index + " in a tree of " + size + " leaves");
        return proofs.inclusionProof(index, size);
    }

    /** The consistency proof between the trees of the first {@code size1} and {@code size2} leaves. */
    public List<byte[]> consistencyProof(long size1, long size2) {
        check(size1 > 0 && size1 <= size2 && size2 <= size(), "no consistency proof from " + size1 + " to " + size2 + " leaves");
        return proofs.consistencyProof(size1, size2);
    }

    /**
     * The root of the subtree over leaves [{@code start}, {@code end}): a checkpointed batch's root. Only aligned ranges
     * (see {@link Proofs#verifySubtreeConsistency}) are subtrees, being a node of every tree that contains them.
     */
    public byte[] subtreeRoot(long start, long end) {
        ProofBuilder.checkSubtree(start, end, size());
        return start == end ? Rfc6962.emptyRoot() : proofs.hash(start, end);
    }

    /**
     * The subtree consistency proof that the subtree over leaves [{@code start}, {@code end}) is part of the tree of the
     * first {@code size} leaves: SUBTREE_PROOF of the Merkle Tree Certificates draft, which with {@code start} = 0 is
     * RFC 6962's PROOF(end, D[size]). The empty subtree is in every tree by the empty proof.
     */
    public List<byte[]> subtreeConsistencyProof(long start, long end, long size) {
        check(size <= size(), "the tree has only " + size() + " leaves, not " + size);
        return proofs.subtreeConsistencyProof(start, end, size);
    }

    private static void check(boolean condition, String message) {
        ProofBuilder.check(condition, message);
    }
}
