package io.caracal.core.ledger;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.ledger.MerkleLogStore.CheckpointRow;
import io.caracal.core.merkle.CompactRange;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the binary bundle ({@link BinaryBundle}) from the log, batch by batch: one batch's events in memory at a time
 * and the compact range of the leaves before it, taken from the range stored with a checkpoint and carried forward
 * with each batch's leaf hashes, never from a tree of the whole log.
 */
final class BinaryBundleWriter {
    private final MerkleLogStore store;
    private final BinaryBundleOutput out;

    BinaryBundleWriter(MerkleLogStore store, OutputStream target) {
        this.store = store;
        this.out = new BinaryBundleOutput(target);
    }

    /** Writes the bundle of the {@code included} checkpoints (a sub-list of {@code all}, in order); returns the events written. */
    long write(String origin, Instant exportedAt, Instant start, Instant end, List<CheckpointRow> all, List<CheckpointRow> included,
               List<NoteKey> keys) throws IOException {
        out.header(origin, exportedAt, start, end, keys);
        Map<Long, CheckpointRow> bySize = new HashMap<>();
        all.forEach(c -> bySize.put(c.treeSize(), c));
        long events = 0;
        CompactRange range = null;
        for (CheckpointRow checkpoint : included) {
            if (range == null || range.size() != checkpoint.firstLeaf()) {
                range = run(range, checkpoint, bySize);
            }
            events += checkpoint(checkpoint, range);
        }
        out.end(included.size(), events);
        return events;
    }

    /** Starts a run at the batch's first leaf; returns the compact range there. */
    private CompactRange run(CompactRange previous, CheckpointRow batch, Map<Long, CheckpointRow> bySize) throws IOException {
        long start = batch.firstLeaf();
        CheckpointRow anchor = bySize.get(start);
        if (start > 0 && anchor == null) {
            throw new InvalidInputException("no checkpoint ends at leaf " + start + ", where batch " + batch.batchId()
                    + " starts: run `caracal merkle verify-range`");
        }
        List<byte[]> bridge = new ArrayList<>();
        CompactRange range = previous;
        if (range == null) {
            range = rangeAt(start);
        } else {
            for (long[] piece : BinaryBundle.bridge(range.size(), start)) {
                // An aligned perfect subtree: the stored interior nodes give its root from a few hundred rows at
                // most, however many leaves the gap between two runs holds.
                int height = (int) piece[1];
                byte[] root = store.nodes().read(tree -> tree.hash(height, piece[0] >>> height));
                bridge.add(root);
                range.appendSubtree(root, height);
            }
        }
        out.run(start, bridge, anchor);
        return range;
    }

    /** The compact range of the first {@code size} leaves: the one stored with the latest checkpoint at or before it, extended. */
    private CompactRange rangeAt(long size) {
        CompactRange range = store.rangeAtOrBefore(size).map(stored -> {
            try {
                return CompactRange.decode(stored.checkpoint().treeSize(), stored.encoded());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("the compact range stored with checkpoint " + stored.checkpoint().batchId() + " is damaged ("
                        + e.getMessage() + "): run `caracal merkle verify-range`");
            }
        }).orElseGet(CompactRange::empty);
        return extend(range, size);
    }

    /** {@code range} with the stored hashes of the leaves after it, up to leaf {@code to}, appended. */
    private CompactRange extend(CompactRange range, long to) {
        long from = range.size();
        store.forEachLeaf(from, to, leaf -> range.append(leaf.storedHash()));
        if (range.size() != to) {
            throw new InvalidInputException("leaves " + from + " to " + (to - 1) + " are not all in the log: run `caracal merkle verify-range`");
        }
        return range;
    }

    /** Writes the checkpoint and its events, and appends their leaf hashes to {@code range}. */
    private long checkpoint(CheckpointRow checkpoint, CompactRange range) throws IOException {
        CompactRange before = CompactRange.decode(range.size(), range.encoded());
        BundleEventBlock.Writer block = new BundleEventBlock.Writer();
        store.forEachLeaf(checkpoint.firstLeaf(), checkpoint.treeSize(), leaf -> {
            if (leaf.event() == null || leaf.index() != range.size()) {
                throw new InvalidInputException("ledger event " + (leaf.event() == null ? leaf.eventId() + " (leaf " + leaf.index() + ")"
                        : "at leaf " + range.size()) + " is missing from the ledger: run `caracal merkle verify-batch --batch-id " + checkpoint.batchId() + "`");
            }
            block.add(leaf.event(), leaf.storedHash());
            range.append(leaf.storedHash());
        });
        if (range.size() != checkpoint.treeSize()) {
            throw new InvalidInputException("leaves " + range.size() + " to " + (checkpoint.treeSize() - 1) + " are missing from the log:"
                    + " run `caracal merkle verify-batch --batch-id " + checkpoint.batchId() + "`");
        }
        out.checkpoint(checkpoint, before, block.finish());
        return checkpoint.treeSize() - checkpoint.firstLeaf();
    }
}
