package io.caracal.core.ledger;

import io.caracal.core.ledger.MerkleLogStore.CheckpointRow;
import io.caracal.core.merkle.CompactRange;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

/** The records of a binary bundle ({@link BinaryBundle}), written in the order a verifier reads them. */
final class BinaryBundleOutput {
    private final OutputStream target;

    BinaryBundleOutput(OutputStream target) {
        this.target = target;
    }

    void header(String origin, Instant exportedAt, Instant start, Instant end, List<NoteKey> keys) throws IOException {
        BundleBytes.Out out = new BundleBytes.Out(4096);
        out.writeBytes(BinaryBundle.MAGIC);
        out.write(BinaryBundle.VERSION);
        out.text(origin);
        out.text(exportedAt.toString());
        out.write(start == null ? 0 : 1);
        if (start != null) {
            out.text(start.toString());
            out.text(end.toString());
        }
        out.uvarint(keys.size());
        for (NoteKey key : keys) {
            out.text(key.name());
            out.bytes(key.publicKey().getEncoded());
        }
        out.writeTo(target);
    }

    /** A run starting at leaf {@code start}: the subtree roots bridging the previous run's end to it, and unless it starts at 0 the checkpoint signed there. */
    void run(long start, List<byte[]> bridge, CheckpointRow anchor) throws IOException {
        BundleBytes.Out out = new BundleBytes.Out(4096);
        out.write(BinaryBundle.RUN);
        out.uvarint(start);
        out.uvarint(bridge.size());
        bridge.forEach(out::writeBytes);
        if (start > 0) {
            out.uuid(anchor.batchId());
            out.text(anchor.note());
        }
        out.writeTo(target);
    }

    /** A checkpoint with the compact range of the leaves before it and its events, as {@link BundleEventBlock.Writer#finish()} encodes them. */
    void checkpoint(CheckpointRow checkpoint, CompactRange before, byte[] events) throws IOException {
        BundleBytes.Out out = new BundleBytes.Out(1024);
        out.write(BinaryBundle.CHECKPOINT);
        out.uuid(checkpoint.batchId());
        out.uvarint(checkpoint.firstLeaf());
        out.uvarint(checkpoint.treeSize());
        out.text(checkpoint.keyId());
        out.text(checkpoint.createdAt().toString());
        out.text(checkpoint.note());
        out.writeBytes(before.encoded());
        out.uvarint(events.length);
        out.writeTo(target);
        target.write(events);
    }

    void end(long checkpoints, long events) throws IOException {
        BundleBytes.Out out = new BundleBytes.Out(32);
        out.write(BinaryBundle.END);
        out.uvarint(checkpoints);
        out.uvarint(events);
        out.writeTo(target);
    }
}
