package io.caracal.core.ledger;

import io.caracal.core.merkle.CompactRange;
import io.caracal.core.ledger.MerkleLogStore.CheckpointRow;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Checks the ledger against its signed checkpoints: every leaf is recomputed from the ledger event as it is now,
 * every checkpoint's signature is checked with the key it names (old keys included), and every signed root is
 * recomputed. A changed, deleted, moved or inserted event is reported with the checkpoint that proves it.
 */
public final class LedgerVerifier {
    private final MerkleLogStore store;
    private final List<NoteKey> trusted;

    /** Checks signatures with every key registered in the database. */
    public LedgerVerifier(MerkleLogStore store) {
        this(store, List.of());
    }

    /**
     * Checks signatures with {@code trusted} only, when given: a key registered in the database vouches only for
     * itself, since whoever can rewrite the ledger can register a key too.
     */
    public LedgerVerifier(MerkleLogStore store, List<NoteKey> trusted) {
        this.store = store;
        this.trusted = List.copyOf(trusted);
    }

    /** Something that does not match what was signed. {@code eventId} or {@code batchId} may be null when unknown. */
    public record Problem(UUID eventId, Long leafIndex, UUID batchId, String what) {
    }

    /** One checkpoint's result. */
    public record CheckpointResult(CheckpointRow checkpoint, String signature, boolean rootMatches) {
        public boolean passed() {
            return rootMatches && signature.equals("Valid");
        }
    }

    public record Report(List<CheckpointResult> checkpoints, List<Problem> problems, long eventsChecked) {
        public boolean passed() {
            return problems.isEmpty() && checkpoints.stream().allMatch(CheckpointResult::passed);
        }
    }

    /**
     * Where a verification reads the log from: PostgreSQL's joins ({@link MerkleLogStore}), or one scan of each table
     * joined in memory ({@link LedgerScan}).
     */
    interface Log {
        /** The (sorted) indexes of the leaves whose events occurred in [from, to). */
        List<Long> leafIndexesBetween(Instant from, Instant to);

        /** Events that occurred in [from, to) and were recorded before {@code recordedBefore}, in no leaf, by id. */
        List<UUID> eventsOutsideTheLog(Instant from, Instant to, Instant recordedBefore);

        /** Leaves [from, to) as stored, in order, each with the hash of the ledger event at its index as that event is now. */
        void forEachRecomputedLeaf(long from, long to, Leaves each);
    }

    /** Where a {@link Log} hands its leaves to, in order. */
    @FunctionalInterface
    interface Leaves {
        void take(LeafReader.Read leaf);

        /**
         * Offers, in place of its leaves, the root of the perfect subtree of 2^{@code height} leaves from {@code first},
         * all present, each event's hash as stored; false when the leaves must come one by one.
         */
        default boolean takeSubtree(long first, int height, byte[] root) {
            return false;
        }
    }

    /** The checkpoints covering the events that occurred in [from, to), and events there that no checkpoint covers. */
    public Report verifyRange(Instant from, Instant to) {
        List<CheckpointRow> all = store.checkpoints();
        if (all.isEmpty()) {
            return new Report(List.of(), List.of(), 0);
        }
        CheckpointRow last = all.get(all.size() - 1);
        return verifyRange(from, to, all, store.logFor(from, to, last.treeSize(), last.createdAt()));
    }

    /** {@link #verifyRange(Instant, Instant)} reading {@code log}, given every checkpoint (at least one). */
    Report verifyRange(Instant from, Instant to, List<CheckpointRow> all, Log log) {
        CheckpointRow last = all.get(all.size() - 1);
        List<Long> indexes = log.leafIndexesBetween(from, to);
        List<CheckpointRow> targets = all.stream().filter(c -> coversAny(c, indexes)).toList();
        Report report = verify(targets, (first, end) -> all, log); // every checkpoint is read already
        List<Problem> problems = new ArrayList<>(report.problems());
        // Only events recorded before the last signature should be in the log; later ones may still be on their way.
        for (UUID inserted : log.eventsOutsideTheLog(from, to, last.createdAt())) {
            problems.add(new Problem(inserted, null, last.batchId(),
                    "is in the ledger but in none of the checkpoints signed after it was recorded: inserted after the fact"));
        }
        return new Report(report.checkpoints(), problems, report.eventsChecked());
    }

    public Optional<Report> verifyBatch(UUID batchId) {
        return store.checkpoint(batchId).map(c -> verify(List.of(c), store::checkpointsOver, store));
    }

    /** The event's leaf, its checkpoint, and an inclusion proof of the leaf in that checkpoint's tree. */
    public Optional<Report> verifyEvent(UUID eventId) {
        Optional<Long> index = store.leafIndex(eventId);
        if (index.isEmpty()) {
            return Optional.empty();
        }
        List<CheckpointRow> covering = store.checkpointsOver(index.get(), index.get() + 1);
        Report report = verify(covering, store::checkpointsOver, store);
        if (covering.isEmpty()) {
            List<Problem> problems = new ArrayList<>(report.problems());
            problems.add(new Problem(eventId, index.get(), null, "is in the log but no checkpoint is signed over it yet"));
            return Optional.of(new Report(report.checkpoints(), problems, report.eventsChecked()));
        }
        return Optional.of(report);
    }

    /**
     * Recomputes the leaves of {@code targets} from the ledger as it is now, starting from the compact range of the
     * latest checkpoint before them (O(batches + log n), not the whole log), and checks their signatures and roots.
     * A stored range that does not fold to its checkpoint's signed root is reported and not used: the leaves are then
     * recomputed from leaf 0. Every stored range passed on the way is compared with the recomputed one. A problem
     * names its batch from the checkpoints {@code over} gives for the leaves rebuilt (any that hold them will do).
     */
    private Report verify(List<CheckpointRow> targets, CheckpointsOver over, Log log) {
        List<Problem> problems = new ArrayList<>();
        if (targets.isEmpty()) {
            return new Report(List.of(), problems, 0);
        }
        List<NoteKey> keys = trusted.isEmpty() ? store.keys() : trusted;
        long first = targets.stream().mapToLong(CheckpointRow::firstLeaf).min().orElseThrow();
        long size = targets.stream().mapToLong(CheckpointRow::treeSize).max().orElseThrow();
        CompactRange range = CompactRange.empty();
        Optional<MerkleLogStore.StoredRange> base = store.rangeAtOrBefore(first);
        if (base.isPresent()) {
            try {
                range = base.get().verified(keys);
            } catch (InvalidCheckpointException e) {
                problems.add(new Problem(null, null, base.get().checkpoint().batchId(), e.getMessage()));
            }
        }
        Rebuild rebuild = new Rebuild(range, over.checkpointsOver(range.size(), size), problems, store.storedRanges(range.size(), size),
                targets.stream().map(CheckpointRow::treeSize).collect(Collectors.toSet()));
        // The signatures (a quarter of a millisecond each) are checked on the workers while this thread rebuilds the tree.
        List<CompletableFuture<Signature>> signatures = targets.stream()
                .map(checkpoint -> CompletableFuture.supplyAsync(() -> Signature.of(checkpoint, keys), LeafReader.WORKERS)).toList();
        log.forEachRecomputedLeaf(range.size(), size, rebuild);
        Map<Long, byte[]> roots = rebuild.roots;
        List<CheckpointResult> results = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            CheckpointRow checkpoint = targets.get(i);
            Signature signature = signatures.get(i).join();
            byte[] root = roots.get(checkpoint.treeSize());
            boolean rootMatches = signature.signedRoot() != null && root != null && MessageDigest.isEqual(root, signature.signedRoot());
            if (!rootMatches && problems.stream().noneMatch(p -> checkpoint.batchId().equals(p.batchId()))) {
                problems.add(new Problem(null, null, checkpoint.batchId(), "the log no longer has the root this checkpoint signed"));
            }
            results.add(new CheckpointResult(checkpoint, signature.verdict(), rootMatches));
        }
        return new Report(results, problems, rebuild.checked);
    }

    /** The checkpoints whose batches hold any of leaves [from, to), or more. */
    private interface CheckpointsOver {
        List<CheckpointRow> checkpointsOver(long from, long to);
    }

    /** A checkpoint's signature checked: its verdict, and the root it signs (null when it cannot be read). */
    private record Signature(String verdict, byte[] signedRoot) {
        static Signature of(CheckpointRow checkpoint, List<NoteKey> keys) {
            try {
                SignedNotes.Verified verified = SignedNotes.verify(checkpoint.note(), keys);
                boolean sameFacts = verified.checkpoint().size() == checkpoint.treeSize()
                        && MessageDigest.isEqual(verified.checkpoint().root(), checkpoint.root());
                return new Signature(sameFacts ? "Valid" : "Invalid (the stored size or root differs from the signed note)", verified.checkpoint().root());
            } catch (InvalidCheckpointException e) {
                return new Signature("Invalid (" + e.getMessage() + ")", null);
            }
        }
    }

    /** The tree rebuilt from the ledger as it is now, leaf by leaf (or subtree by subtree) from {@code range}. */
    private static final class Rebuild implements Leaves {
        private final CompactRange range;
        /** The checkpoints whose batches the rebuilt leaves are in: what a problem names its batch from. */
        private final List<CheckpointRow> batches;
        private final List<Problem> problems;
        private final Map<Long, byte[]> storedRanges;
        private final Set<Long> targetSizes;
        private final Map<Long, byte[]> roots = new HashMap<>();
        private long checked;
        private boolean gap;

        /** The sizes at which the tree is checked: a subtree cannot be taken across one. */
        private final TreeSet<Long> stops = new TreeSet<>();

        private Rebuild(CompactRange range, List<CheckpointRow> batches, List<Problem> problems, Map<Long, byte[]> storedRanges, Set<Long> targetSizes) {
            this.range = range;
            this.batches = batches;
            this.problems = problems;
            this.storedRanges = storedRanges;
            this.targetSizes = targetSizes;
            stops.addAll(storedRanges.keySet());
            stops.addAll(targetSizes);
        }

        @Override
        public boolean takeSubtree(long first, int height, byte[] root) {
            long end = first + (1L << height);
            if (gap || first != range.size() || (first & ((1L << height) - 1)) != 0 || !stops.subSet(first, false, end, false).isEmpty()) {
                return false;
            }
            range.appendSubtree(root, height);
            checked += 1L << height;
            check();
            return true;
        }

        @Override
        public void take(LeafReader.Read leaf) {
            if (gap) {
                return;
            }
            if (leaf.index() != range.size()) {
                problems.add(new Problem(null, range.size(), batchOf(batches, range.size()), "leaves " + range.size() + " to " + (leaf.index() - 1)
                        + " are missing from the log"));
                gap = true; // the tree stops here: every later root is unprovable, and says so below
                return;
            }
            byte[] hash = leaf.eventGone() ? leaf.storedHash() : leaf.hash();
            if (leaf.eventGone()) {
                problems.add(new Problem(leaf.eventId(), leaf.index(), batchOf(batches, leaf.index()), "was deleted from the ledger"));
            } else if (!MessageDigest.isEqual(hash, leaf.storedHash())) {
                problems.add(new Problem(leaf.eventId(), leaf.index(), batchOf(batches, leaf.index()), "was changed (or moved) after it was signed"));
            }
            range.append(hash);
            checked++;
            check();
        }

        /** The stored range and the root due at the tree's size now, if any. */
        private void check() {
            byte[] stored = storedRanges.get(range.size());
            if (stored != null && !MessageDigest.isEqual(stored, range.encoded())) {
                problems.add(new Problem(null, null, batchOf(batches, range.size() - 1), "its stored compact range was altered: it differs from the log's"));
            }
            if (targetSizes.contains(range.size())) {
                roots.put(range.size(), range.root());
            }
        }
    }

    /** Whether the checkpoint's batch holds any of the (sorted) leaf indexes. */
    public static boolean coversAny(CheckpointRow checkpoint, List<Long> sortedIndexes) {
        int at = java.util.Collections.binarySearch(sortedIndexes, checkpoint.firstLeaf());
        int first = at >= 0 ? at : -at - 1;
        return first < sortedIndexes.size() && sortedIndexes.get(first) < checkpoint.treeSize();
    }

    private static UUID batchOf(List<CheckpointRow> batches, long index) {
        return batches.stream().filter(c -> index >= c.firstLeaf() && index < c.treeSize()).map(CheckpointRow::batchId).findFirst().orElse(null);
    }
}
