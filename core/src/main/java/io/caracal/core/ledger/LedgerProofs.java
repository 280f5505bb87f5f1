package io.caracal.core.ledger;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.merkle.InvalidProofException;
import io.caracal.core.merkle.ProofBuilder;
import io.caracal.core.merkle.Proofs;
import io.caracal.core.ledger.MerkleLogStore.CheckpointRow;
import io.caracal.core.ledger.MerkleLogStore.Leaf;

import java.security.MessageDigest;
import java.util.List;
import java.util.UUID;

/**
 * RFC 6962 proofs a third party can check with nothing but the signed notes and the public keys: that an event is
 * in the tree a checkpoint signed (inclusion), and that a later checkpoint's tree extends an earlier one's
 * (consistency). A proof is built from the log's stored interior nodes and the leaf hashes near the leaf
 * ({@link MerkleNodeStore}: O(log n) rows, not the whole log), and verified against the signed roots before it is
 * handed out, so a proof of a tampered ledger, or over tampered nodes, is refused here rather than discovered by the
 * auditor.
 */
public final class LedgerProofs {
    private final MerkleLogStore store;

    public LedgerProofs(MerkleLogStore store) {
        this.store = store;
    }

    /** Leaf {@code leafIndex}, whose hash is recomputed from the event as the ledger holds it now, is in {@code checkpoint}'s tree. */
    public record Inclusion(UUID eventId, long leafIndex, byte[] leafHash, CheckpointRow checkpoint, List<byte[]> proof) {
    }

    /** {@code to}'s tree is {@code from}'s with leaves appended. */
    public record Consistency(CheckpointRow from, CheckpointRow to, List<byte[]> proof) {
    }

    /** Proves the event against the checkpoint {@code batchId}, or the latest checkpoint when it is null. */
    public Inclusion inclusion(UUID eventId, UUID batchId) {
        long index = store.leafIndex(eventId).orElseThrow(() -> new NotFoundException("event in the Merkle log", eventId));
        CheckpointRow checkpoint = batchId == null
                ? store.latestCheckpoint().orElseThrow(() -> new InvalidInputException("no checkpoint has been signed yet"))
                : find(batchId);
        if (index >= checkpoint.treeSize()) {
            throw new InvalidInputException("event " + eventId + " is leaf " + index + ", after checkpoint " + checkpoint.batchId()
                    + " (tree size " + checkpoint.treeSize() + "): prove it against a later checkpoint");
        }
        byte[] signedRoot = signedRoot(checkpoint, store.keys());
        Leaf leaf = store.leaves(index, index + 1).get(0);
        if (leaf.event() == null) {
            throw new LedgerTamperedException("event " + eventId + " (leaf " + index + ") was deleted from the ledger after it was signed");
        }
        byte[] leafHash = LedgerLeaf.hash(index, leaf.event());
        List<byte[]> proof = store.nodes().read(tree -> new ProofBuilder(tree).inclusionProof(index, checkpoint.treeSize()));
        try {
            Proofs.verifyInclusion(index, checkpoint.treeSize(), leafHash, proof, signedRoot);
        } catch (InvalidProofException e) {
            throw new LedgerTamperedException("event " + eventId + " (leaf " + index + ") does not verify against checkpoint "
                    + checkpoint.batchId() + ": " + e.getMessage() + "; run caracal merkle verify-event for details");
        }
        return new Inclusion(eventId, index, leafHash, checkpoint, proof);
    }

    public Consistency consistency(UUID fromBatchId, UUID toBatchId) {
        CheckpointRow from = find(fromBatchId);
        CheckpointRow to = find(toBatchId);
        if (from.treeSize() > to.treeSize()) {
            throw new InvalidInputException("checkpoint " + fromBatchId + " (tree size " + from.treeSize() + ") is later than " + toBatchId
                    + " (tree size " + to.treeSize() + "): swap them");
        }
        List<NoteKey> keys = store.keys();
        byte[] fromRoot = signedRoot(from, keys);
        byte[] toRoot = signedRoot(to, keys);
        List<byte[]> proof = store.nodes().read(tree -> new ProofBuilder(tree).consistencyProof(from.treeSize(), to.treeSize()));
        try {
            Proofs.verifyConsistency(from.treeSize(), to.treeSize(), fromRoot, toRoot, proof);
        } catch (InvalidProofException e) {
            throw new LedgerTamperedException("checkpoints " + fromBatchId + " and " + toBatchId + " are not consistent: " + e.getMessage()
                    + "; run caracal merkle verify-batch on each");
        }
        return new Consistency(from, to, proof);
    }

    private CheckpointRow find(UUID batchId) {
        return store.checkpoint(batchId).orElseThrow(() -> new NotFoundException("checkpoint batch", batchId));
    }

    /** The root the checkpoint's note signs, once the signature checks out with a registered key. */
    private static byte[] signedRoot(CheckpointRow checkpoint, List<NoteKey> keys) {
        try {
            byte[] root = SignedNotes.verify(checkpoint.note(), keys).checkpoint().root();
            if (!MessageDigest.isEqual(root, checkpoint.root())) {
                throw new LedgerTamperedException("checkpoint " + checkpoint.batchId() + ": the stored root differs from the signed note");
            }
            return root;
        } catch (InvalidCheckpointException e) {
            throw new LedgerTamperedException("checkpoint " + checkpoint.batchId() + " has no valid signature: " + e.getMessage());
        }
    }
}
