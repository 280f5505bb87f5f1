package io.caracal.core.ledger;

import io.caracal.core.keys.PemKeys;
import io.caracal.core.merkle.CompactRange;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The integrator: appends ledger events to the Merkle log and signs a checkpoint every {@code batchSize} events,
 * or when the oldest unsigned event has waited {@code batchTimeout}. Any number of replicas may call
 * {@link #integrate()}; the store lets one at a time in. Each run resumes the tree from the compact range stored
 * with the latest checkpoint and the leaves after it, so a run costs its own leaves plus O(log n) however long the
 * log is, and nothing is kept between runs that another replica could have made stale.
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
        boolean ran = store.integrate(session -> {
            long done = session.latestCheckpoint().map(MerkleLogStore.CheckpointRow::treeSize).orElse(0L);
            CompactRange range = resume(session, done);
            List<byte[]> hashes = new ArrayList<>(session.leafHashes(range.size(), session.size()));
            List<byte[]> appended = session.integrate(MAX_PER_RUN);
            hashes.addAll(appended);
            counts[0] = appended.size();
            for (byte[] hash : hashes) {
                range.append(hash);
                if (range.size() - done == batchSize) {
                    sign(session, done, range);
                    done = range.size();
                    counts[1]++;
                }
            }
            if (range.size() > done && (signEverything || !session.integratedAt(done).plus(batchTimeout).isAfter(session.now()))) {
                sign(session, done, range);
                counts[1]++;
            }
        });
        return new Run(ran, counts[0], counts[1]);
    }

    /**
     * The tree's compact range at the latest checkpoint that stored one (at or before {@code done}), believed only once
     * it folds to that checkpoint's signed root: signing on top of an altered range would sign a forged log.
     */
    private static CompactRange resume(MerkleLogStore.Session session, long done) throws SQLException {
        Optional<MerkleLogStore.StoredRange> stored = session.rangeAtOrBefore(done);
        if (stored.isEmpty()) {
            return CompactRange.empty();
        }
        try {
            return stored.get().verified(session.keys());
        } catch (InvalidCheckpointException e) {
            throw new LedgerTamperedException("checkpoint " + stored.get().checkpoint().batchId() + " cannot be built on: " + e.getMessage()
                    + "; run caracal merkle verify-range");
        }
    }

    private void sign(MerkleLogStore.Session session, long first, CompactRange range) throws SQLException {
        byte[] root = range.root();
        String note = SignedNotes.sign(new Checkpoint(origin, range.size(), root), key, signingKey.privateKey());
        session.addCheckpoint(new MerkleLogStore.CheckpointRow(UUID.randomUUID(), first, range.size(), root, key.keyId(), note, session.now()), range);
    }

    public NoteKey key() {
        return key;
    }
}
