package io.caracal.core.ledger;

import io.caracal.core.keys.PemKeys;
import io.caracal.core.merkle.CompactRange;

import java.security.MessageDigest;
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
 * log is, and nothing is kept between runs that another replica could have made stale. Before it signs more, a run
 * checks that what it resumes from still leads to the latest checkpoint's root; when it does not, the log was altered
 * and the run signs nothing ({@link Run#verified()} is false) until someone has looked (caracal merkle verify-range).
 * A run also stores the interior nodes its leaves complete, which proofs are built from ({@link MerkleNodeStore}).
 */
public final class MerkleLog {
    /**
     * Events appended per run at most, so one transaction stays bounded: about 25 MB of leaves held and a few seconds
     * (a million events integrated at 60-83k events/s on a 2-core machine), well inside the Lambda's 60 s. A run
     * searches only the events written since the previous one (migration V17), so splitting a backlog into runs
     * costs little more than taking it whole.
     */
    private static final int MAX_PER_RUN = 250_000;

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

    /**
     * What one run did: {@code ran} is false when another integrator held the log; {@code batches} holds the size of
     * each checkpoint it signed; {@code verified} is false when the latest checkpoint no longer matched the log.
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
        boolean ran = store.integrate(session -> {
            Optional<MerkleLogStore.CheckpointRow> latest = session.latestCheckpoint();
            long done = latest.map(MerkleLogStore.CheckpointRow::treeSize).orElse(0L);
            Optional<CompactRange> resumed = resume(session, done);
            if (resumed.isEmpty()) {
                verified[0] = false;
                return;
            }
            CompactRange range = resumed.get();
            for (byte[] hash : session.leafHashes(range.size(), done)) {
                range.append(hash);
            }
            if (latest.isPresent() && !MessageDigest.isEqual(range.root(), latest.get().root())) {
                verified[0] = false;
                return;
            }
            List<byte[]> hashes = new ArrayList<>(session.leafHashes(done, session.size()));
            MerkleNodeStore.Writer nodes = session.nodeWriter();
            List<byte[]> added = session.integrate(MAX_PER_RUN);
            hashes.addAll(added);
            appended[0] = added.size();
            for (byte[] hash : hashes) {
                range.append(hash, nodes);
                if (range.size() - done == batchSize) {
                    sign(session, done, range);
                    batches.add(range.size() - done);
                    done = range.size();
                }
            }
            if (range.size() > done && (signEverything || !session.integratedAt(done).plus(batchTimeout).isAfter(session.now()))) {
                sign(session, done, range);
                batches.add(range.size() - done);
            }
            nodes.flush();
        });
        return new Run(ran, appended[0], batches, verified[0]);
    }

    /**
     * The tree's compact range at the latest checkpoint that stored one (at or before {@code done}), believed only once
     * it folds to that checkpoint's signed root (signing on top of an altered range would sign a forged log): empty
     * when it does not.
     */
    private static Optional<CompactRange> resume(MerkleLogStore.Session session, long done) throws SQLException {
        Optional<MerkleLogStore.StoredRange> stored = session.rangeAtOrBefore(done);
        if (stored.isEmpty()) {
            return Optional.of(CompactRange.empty());
        }
        try {
            return Optional.of(stored.get().verified(session.keys()));
        } catch (InvalidCheckpointException e) {
            return Optional.empty();
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
