package io.caracal.core.ledger;

import io.caracal.core.keys.PemKeys;
import io.caracal.core.merkle.MerkleTree;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The integrator: appends ledger events to the Merkle log and signs a checkpoint every {@code batchSize} events,
 * or when the oldest unsigned event has waited {@code batchTimeout}. Any number of replicas may call
 * {@link #integrate()}; the store lets one at a time in. It keeps the tree's hashes in memory between runs and
 * reloads them from the log whenever they might be stale.
 */
public final class MerkleLog {
    /** Events appended per run at most, so one transaction stays short. */
    private static final int MAX_PER_RUN = 5_000;

    private final MerkleLogStore store;
    private final String origin;
    private final PemKeys.SigningKey signingKey;
    private final NoteKey key;
    private final int batchSize;
    private final Duration batchTimeout;
    private MerkleTree tree = new MerkleTree();

    public MerkleLog(MerkleLogStore store, String origin, PemKeys.SigningKey signingKey, int batchSize, Duration batchTimeout) {
        if (batchSize < 1 || batchTimeout.isNegative() || batchTimeout.isZero()) {
            throw new IllegalArgumentException("a checkpoint needs a batch size of at least 1 and a positive timeout");
        }
        this.store = store;
        this.origin = origin;
        this.signingKey = signingKey;
        this.key = new NoteKey(origin, signingKey.publicKey());
        this.batchSize = batchSize;
        this.batchTimeout = batchTimeout;
        store.registerKey(key);
    }

    /**
     * What one run did; {@code ran} is false when another integrator held the log. {@code batches}: the number of
     * events each checkpoint signed covers. {@code verified} is false when the latest signed checkpoint's root is not
     * the root of the leaves the log holds: the log was changed after it was signed, and nothing more is signed over it.
     */
    public record Run(boolean ran, int appended, List<Long> batches, boolean verified) {
        public int signed() {
            return batches.size();
        }
    }

    /** Appends what is new and signs the checkpoints that are due. */
    public Run integrate() {
        return run(false);
    }

    /** Appends every ledger event not in the log yet and signs all of it now (backfill). */
    public Run integrateAll() {
        int appended = 0;
        List<Long> batches = new ArrayList<>();
        Run run;
        do {
            run = run(true);
            appended += run.appended();
            batches.addAll(run.batches());
        } while (run.ran() && run.verified() && run.appended() > 0);
        return new Run(run.ran(), appended, batches, run.verified());
    }

    private synchronized Run run(boolean signEverything) {
        int[] appended = new int[1];
        List<Long> batches = new ArrayList<>();
        boolean[] verified = {true};
        try {
            boolean ran = store.integrate(session -> {
                long size = session.size();
                if (tree.size() > size) {
                    tree = new MerkleTree();
                }
                for (byte[] hash : session.leafHashes(tree.size(), size)) {
                    tree.append(hash);
                }
                for (byte[] hash : session.integrate(MAX_PER_RUN)) {
                    tree.append(hash);
                    appended[0]++;
                }
                Optional<MerkleLogStore.CheckpointRow> latest = session.latestCheckpoint();
                if (latest.isPresent() && !Arrays.equals(latest.get().root(), tree.root(latest.get().treeSize()))) {
                    verified[0] = false;
                    return;
                }
                while (true) {
                    long done = session.latestCheckpoint().map(MerkleLogStore.CheckpointRow::treeSize).orElse(0L);
                    long pending = tree.size() - done;
                    if (pending == 0 || (pending < batchSize && !signEverything
                            && session.integratedAt(done).plus(batchTimeout).isAfter(session.now()))) {
                        break;
                    }
                    long cut = done + Math.min(pending, batchSize);
                    byte[] root = tree.root(cut);
                    String note = SignedNotes.sign(new Checkpoint(origin, cut, root), key, signingKey.privateKey());
                    session.addCheckpoint(new MerkleLogStore.CheckpointRow(UUID.randomUUID(), done, cut, root, key.keyId(), note, session.now()));
                    batches.add(cut - done);
                }
            });
            return new Run(ran, appended[0], batches, verified[0]);
        } catch (RuntimeException e) {
            tree = new MerkleTree(); // the transaction rolled back: what was appended in memory may not exist
            throw e;
        }
    }

    public NoteKey key() {
        return key;
    }
}
