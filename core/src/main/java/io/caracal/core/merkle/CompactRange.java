package io.caracal.core.merkle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The RFC 6962 tree of the first {@code size} leaves reduced to its right border: the hashes of the maximal perfect
 * subtrees that tile [0, size), largest first, one per set bit of {@code size} (a "compact range" as Tessera and
 * transparency-dev/merkle call it). It is all that is needed to append leaves and compute the root, so a checkpoint's
 * root costs the hashes of its own leaves plus O(log n), however long the log already is.
 */
public final class CompactRange {
    private long size;
    private final List<byte[]> hashes;

    private CompactRange(long size, List<byte[]> hashes) {
        this.size = size;
        this.hashes = hashes;
    }

    public static CompactRange empty() {
        return new CompactRange(0, new ArrayList<>());
    }

    /** The range of a tree of {@code size} leaves from its border hashes concatenated, as {@link #encoded()} writes them. */
    public static CompactRange decode(long size, byte[] encoded) {
        if (size < 0 || encoded == null || encoded.length != Long.bitCount(size) * Rfc6962.HASH_SIZE) {
            throw new IllegalArgumentException("a compact range of " + size + " leaves is " + Long.bitCount(Math.max(size, 0))
                    + " hashes of " + Rfc6962.HASH_SIZE + " bytes");
        }
        List<byte[]> hashes = new ArrayList<>();
        for (int at = 0; at < encoded.length; at += Rfc6962.HASH_SIZE) {
            hashes.add(Arrays.copyOfRange(encoded, at, at + Rfc6962.HASH_SIZE));
        }
        return new CompactRange(size, hashes);
    }

    /** Told of each perfect subtree above the leaves that an append completes, with the hash its merge computed. */
    @FunctionalInterface
    public interface Completions {
        /** The subtree of 2^{@code height} leaves starting at leaf {@code index}·2^{@code height} has hash {@code hash}. */
        void completed(int height, long index, byte[] hash);
    }

    public void append(byte[] leafHash) {
        append(leafHash, (height, index, hash) -> { });
    }

    /** Appends a leaf, telling {@code completions} of the subtrees it completes, smallest first. */
    public void append(byte[] leafHash, Completions completions) {
        if (leafHash == null || leafHash.length != Rfc6962.HASH_SIZE) {
            throw new IllegalArgumentException("a leaf hash is " + Rfc6962.HASH_SIZE + " bytes");
        }
        push(leafHash, 0, completions);
    }

    /**
     * Appends the root of a perfect subtree of 2^{@code height} leaves that starts where this range ends, which must
     * be a multiple of its width: what a bundle carries to bridge leaves it does not hold.
     */
    public void appendSubtree(byte[] root, int height) {
        if (root == null || root.length != Rfc6962.HASH_SIZE) {
            throw new IllegalArgumentException("a subtree root is " + Rfc6962.HASH_SIZE + " bytes");
        }
        if (height < 0 || height > 62 || (size & ((1L << height) - 1)) != 0) {
            throw new IllegalArgumentException("a subtree of 2^" + height + " leaves cannot start at leaf " + size);
        }
        push(root, height, (h, index, hash) -> { });
    }

    private void push(byte[] subtree, int subtreeHeight, Completions completions) {
        // Each one bit of size from the subtree's height up, while set, is a perfect subtree as tall as the node being carried: merge them.
        byte[] node = subtree;
        int height = subtreeHeight;
        for (long s = size >>> subtreeHeight; (s & 1) == 1; s >>>= 1) {
            node = Rfc6962.nodeHash(hashes.remove(hashes.size() - 1), node);
            height++;
            completions.completed(height, size >>> height, node);
        }
        hashes.add(node);
        size += 1L << subtreeHeight;
    }

    public long size() {
        return size;
    }

    /** The tree's root: the border folded from the right, as RFC 6962's MTH splits at the largest power of two. */
    public byte[] root() {
        if (hashes.isEmpty()) {
            return Rfc6962.emptyRoot();
        }
        byte[] root = hashes.get(hashes.size() - 1);
        for (int i = hashes.size() - 2; i >= 0; i--) {
            root = Rfc6962.nodeHash(hashes.get(i), root);
        }
        return root;
    }

    /** The border hashes concatenated, largest subtree first. */
    public byte[] encoded() {
        byte[] out = new byte[hashes.size() * Rfc6962.HASH_SIZE];
        for (int i = 0; i < hashes.size(); i++) {
            System.arraycopy(hashes.get(i), 0, out, i * Rfc6962.HASH_SIZE, Rfc6962.HASH_SIZE);
        }
        return out;
    }
}
