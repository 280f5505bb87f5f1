package io.caracal.core.ledger;

import io.caracal.core.keys.PemKeys;
import io.caracal.core.merkle.MerkleTree;

import java.time.Duration;
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

    /** What one run did; {@code ran} is false when another integrator held the log. */
    public record Run(boolean ran, int appended, int signed) {
    }

    /** Appends what is new and signs the checkpoints that are due. */
    public Run integrate() {
        return run(false);
    }

    /** Appends every ledger event not in the log yet and signs all of it now (backfill). */
    public Run integrateAll() {
        int appended = 0;
        int signed = 0;
        Run run;
        do {
            run = run(true);
            appended += run.appended();
            signed += run.signed();
        } while (run.ran() && run.appended() > 0);
        return new Run(run.ran(), appended, signed);
    }

    private synchronized Run run(boolean signEverything) {
        int[] counts = new int[2];
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
                    counts[0]++;
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
                    counts[1]++;
                }
            });
            return new Run(ran, counts[0], counts[1]);
        } catch (RuntimeException e) {
            tree = new MerkleTree(); // the transaction rolled back: what was appended in memory may not exist
            throw e;
        }
    }

    public NoteKey key() {
        return key;
    }
}
