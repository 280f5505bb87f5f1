package io.caracal.core.ledger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary ledger bundle, the default of {@code caracal ledger export} (the JSON one, {@link LedgerBundle}, is for
 * people): documented byte by byte in docs/ledger.md.
 * <pre>
 * magic "CARACAL-LEDGER\0" (15 bytes), version u8 = 2
 * header: origin, exported_at, range flag [start, end], key count, keys (name, public key DER)
 * records, each a tag byte:
 *   RUN        a run of consecutive batches starts at leaf S: the subtree roots bridging the previous run's end (or
 *              leaf 0) to S, and unless S = 0 the signed checkpoint of size S they must fold to
 *   CHECKPOINT batch id, first leaf, tree size, created at, signed note, its events ({@link BundleEventBlock})
 *   END        the number of checkpoints and events written, then nothing
 * </pre>
 * No proof needs the whole tree: a verifier holds the compact range of the leaves so far, checks it against every
 * signed root, and appends each batch's recomputed leaf hashes to it. A file read to its END record is whole.
 */
public final class BinaryBundle {
    static final byte[] MAGIC = "CARACAL-LEDGER\0".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 2;
    static final int RUN = 1;
    static final int CHECKPOINT = 2;
    static final int END = 3;
    /** No note, name or key comes near this; a longer length is a damaged file, refused before it is allocated. */
    static final int MAX_TEXT = 64 * 1024;
    /** A block of a million events of a few hundred bytes each: far above any batch the integrator signs. */
    static final int MAX_BLOCK = 512 * 1024 * 1024;

    private BinaryBundle() {
    }

    /**
     * The perfect aligned subtrees tiling [{@code from}, {@code to}), in order, as {start, height}: each as tall as both
     * its start's alignment and the leaves left allow. From 0 they are the compact range of {@code to} itself.
     */
    static List<long[]> bridge(long from, long to) {
        List<long[]> pieces = new ArrayList<>();
        for (long at = from; at < to; ) {
            long width = Long.highestOneBit(to - at);
            if (at != 0) {
                width = Math.min(width, Long.lowestOneBit(at));
            }
            pieces.add(new long[]{at, Long.numberOfTrailingZeros(width)});
            at += width;
        }
        return pieces;
    }
}
