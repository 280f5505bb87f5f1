package io.caracal.core.ledger;

import io.caracal.core.merkle.Rfc6962;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The first {@code size} leaves of the log and the ledger events and budget lines they name, read by one plain binary
 * COPY of each table and joined here, in memory, each leaf recomputed on every core. PostgreSQL's join of the three
 * tables in leaf order cost it 3.8 CPU-seconds at a million events, printing the three tables about 1.2
 * (bench/RESULTS.md), so verify-range reads a log this way when it fits in memory and most of it is to be checked anyway.
 */
final class LedgerScan implements LedgerVerifier.Log {
    /**
     * What a leaf costs here: its event id, stored and recomputed hashes, time and flags (about 100 bytes), 48 to 96
     * bytes in the id table when a row out of order makes one, and about 45 a budget line. A leaf with three lines
     * would take up to 330; the budget is half the heap, so the other half covers that and the rows in flight.
     */
    static final long BYTES_PER_LEAF = 256;
    private static final int HASH = 32;
    private static final int EVENT_FIELDS = 9;
    private static final int CHUNK = 4096;
    private static final int IN_FLIGHT = 4;
    /** Blocks of 2^8 leaves whose roots are computed on every core, so that the tree is rebuilt from them, not leaf by leaf. */
    private static final int BLOCK_HEIGHT = 8;
    private static final int BLOCK = 1 << BLOCK_HEIGHT;

    private final int size;
    private final Instant recordedBefore;
    private final long[] ids;
    private final byte[] stored;
    private final byte[] recomputed;
    private final long[] occurred;
    private final boolean[] present;
    private final boolean[] found;
    private long[] table;
    private volatile boolean indexed;
    private final Lines lines;
    private final List<Unlogged> unlogged = new ArrayList<>();
    /** Each block's root, where all its leaves are present and their events hash as stored; null elsewhere. */
    private final byte[][] blockRoots;

    private record Unlogged(UUID eventId, long occurredMicros) {
    }

    private LedgerScan(int size, Instant recordedBefore) {
        this.size = size;
        this.recordedBefore = recordedBefore;
        ids = new long[2 * size];
        stored = new byte[HASH * size];
        recomputed = new byte[HASH * size];
        occurred = new long[size];
        present = new boolean[size];
        found = new boolean[size];
        lines = new Lines(size);
        blockRoots = new byte[size / BLOCK][];
    }

    /** Whether a scan of {@code size} leaves fits in half of what this JVM may allocate. */
    static boolean fits(long size) {
        return size * BYTES_PER_LEAF <= Runtime.getRuntime().maxMemory() / 2;
    }

    /**
     * Reads leaves [0, {@code size}) and every ledger event, keeping of the events in no leaf those recorded before
     * {@code recordedBefore} (the only ones {@link #eventsOutsideTheLog} is asked about).
     */
    static LedgerScan read(Connection c, long size, Instant recordedBefore) throws SQLException {
        if (!fits(size)) {
            throw new IllegalArgumentException("a log of " + size + " leaves does not fit in memory");
        }
        LedgerScan scan = new LedgerScan((int) size, recordedBefore);
        scan.readLeaves(c);
        scan.readLines(c);
        scan.readEvents(c);
        scan.rootBlocks();
        return scan;
    }

    private void readLeaves(Connection c) throws SQLException {
        CopyTuples tuples = CopyTuples.open(c, "SELECT leaf_index, event_id, leaf_hash FROM merkle_leaves WHERE leaf_index < " + size, 3);
        for (CopyTuples.Tuple t; (t = tuples.next()) != null; ) {
            int slot = (int) t.int64(0);
            present[slot] = true;
            ids[2 * slot] = t.uuidHalf(1, 0);
            ids[2 * slot + 1] = t.uuidHalf(1, 1);
            t.copy(2, stored, HASH * slot, HASH); // the table's check keeps every hash 32 bytes
        }
    }

    private void readLines(Connection c) throws SQLException {
        CopyTuples tuples = CopyTuples.open(c, "SELECT event_id, policy_id, amount FROM ledger_event_lines", 3);
        int previous = -1;
        for (CopyTuples.Tuple t; (t = tuples.next()) != null; ) {
            int slot = slot(t.uuidHalf(0, 0), t.uuidHalf(0, 1), previous);
            if (slot >= 0) { // a line of an event in no leaf is not the log's, and leaves the guess where it was
                lines.add(slot, t.uuidHalf(1, 0), t.uuidHalf(1, 1), t, 2);
                previous = slot;
            }
        }
    }

    private void readEvents(Connection c) throws SQLException {
        ArrayDeque<CompletableFuture<List<Unlogged>>> pending = new ArrayDeque<>();
        try {
            CopyTuples tuples = CopyTuples.open(c, "SELECT event_id, agent_id, hold_id, amount, currency, occurred_at, recorded_at,"
                    + " resource, metadata FROM ledger_events", EVENT_FIELDS);
            List<byte[]> chunk = new ArrayList<>(CHUNK);
            int row = 0;
            for (byte[] t; (t = tuples.nextBytes()) != null; row++) {
                chunk.add(t);
                if (chunk.size() == CHUNK) {
                    submit(pending, chunk, row - CHUNK + 1);
                    chunk = new ArrayList<>(CHUNK);
                }
            }
            submit(pending, chunk, row - chunk.size());
            while (!pending.isEmpty()) {
                unlogged.addAll(pending.poll().join());
            }
        } finally {
            pending.forEach(f -> f.cancel(false));
        }
    }

    /** Hands the events from row {@code first} of the table on to a worker. */
    private void submit(ArrayDeque<CompletableFuture<List<Unlogged>>> pending, List<byte[]> chunk, int first) {
        pending.add(CompletableFuture.supplyAsync(() -> recompute(chunk, first), LeafReader.WORKERS));
        while (pending.size() > IN_FLIGHT) {
            unlogged.addAll(pending.poll().join());
        }
    }

    /**
     * Hashes each event that has a leaf into its slot (no two events share one), and returns the others worth keeping.
     * The events are rows {@code first}, {@code first + 1}... of their table, which are often leaves of those indexes.
     */
    private List<Unlogged> recompute(List<byte[]> events, int first) {
        List<Unlogged> others = new ArrayList<>();
        long cutoff = LedgerLeaf.micros(recordedBefore);
        int previous = first - 1;
        for (byte[] bytes : events) {
            CopyTuples.Tuple t = CopyTuples.tuple(bytes, EVENT_FIELDS);
            int slot = slot(t.uuidHalf(0, 0), t.uuidHalf(0, 1), previous);
            if (slot < 0) {
                if (t.micros(6) < cutoff) {
                    others.add(new Unlogged(t.uuid(0), t.micros(5)));
                }
                continue; // the next row likely follows the last one in the log, not this one
            }
            previous = slot;
            byte[] hash = LedgerLeaf.hash(slot, LeafReader.fields(t, 0, lines.of(slot)));
            System.arraycopy(hash, 0, recomputed, HASH * slot, HASH);
            occurred[slot] = t.micros(5);
            found[slot] = true;
        }
        return others;
    }

    @Override
    public List<Long> leafIndexesBetween(Instant from, Instant to) {
        long low = LedgerLeaf.micros(from);
        long high = LedgerLeaf.micros(to);
        List<Long> indexes = new ArrayList<>();
        for (int slot = 0; slot < size; slot++) {
            if (found[slot] && occurred[slot] >= low && occurred[slot] < high) {
                indexes.add((long) slot);
            }
        }
        return indexes;
    }

    @Override
    public List<UUID> eventsOutsideTheLog(Instant from, Instant to, Instant recordedBefore) {
        if (!recordedBefore.equals(this.recordedBefore)) {
            throw new IllegalArgumentException("this scan kept the events recorded before " + this.recordedBefore + ", not " + recordedBefore);
        }
        long low = LedgerLeaf.micros(from);
        long high = LedgerLeaf.micros(to);
        // PostgreSQL orders uuids by their bytes, as unsigned numbers.
        return unlogged.stream().filter(e -> e.occurredMicros() >= low && e.occurredMicros() < high).map(Unlogged::eventId)
                .sorted(Comparator.comparing(UUID::getMostSignificantBits, Long::compareUnsigned)
                        .thenComparing(UUID::getLeastSignificantBits, Long::compareUnsigned))
                .toList();
    }

    /** Computes the roots of the blocks that hold only leaves as stored, a share of the blocks per worker. */
    private void rootBlocks() {
        int workers = Runtime.getRuntime().availableProcessors();
        List<CompletableFuture<Void>> shares = new ArrayList<>();
        for (int share = 0; share < workers; share++) {
            int first = share;
            shares.add(CompletableFuture.runAsync(() -> {
                for (int block = first; block < blockRoots.length; block += workers) {
                    blockRoots[block] = blockRoot(block);
                }
            }, LeafReader.WORKERS));
        }
        shares.forEach(CompletableFuture::join);
    }

    private byte[] blockRoot(int block) {
        byte[][] level = new byte[BLOCK][];
        for (int i = 0; i < BLOCK; i++) {
            int slot = block * BLOCK + i;
            if (!present[slot] || !found[slot] || !Arrays.equals(recomputed, HASH * slot, HASH * slot + HASH, stored, HASH * slot, HASH * slot + HASH)) {
                return null;
            }
            level[i] = Arrays.copyOfRange(recomputed, HASH * slot, HASH * slot + HASH);
        }
        for (int width = BLOCK; width > 1; width /= 2) {
            for (int i = 0; i < width / 2; i++) {
                level[i] = Rfc6962.nodeHash(level[2 * i], level[2 * i + 1]);
            }
        }
        return level[0];
    }

    @Override
    public void forEachRecomputedLeaf(long from, long to, LedgerVerifier.Leaves each) {
        int end = (int) Math.min(to, size);
        for (int slot = (int) Math.max(from, 0); slot < end; ) {
            if (slot % BLOCK == 0 && slot + BLOCK <= end && blockRoots[slot / BLOCK] != null && each.takeSubtree(slot, BLOCK_HEIGHT, blockRoots[slot / BLOCK])) {
                slot += BLOCK;
                continue;
            }
            if (present[slot]) {
                each.take(new LeafReader.Read(slot, new UUID(ids[2 * slot], ids[2 * slot + 1]), Arrays.copyOfRange(stored, HASH * slot, HASH * slot + HASH),
                        found[slot] ? Arrays.copyOfRange(recomputed, HASH * slot, HASH * slot + HASH) : null));
            }
            slot++;
        }
    }

    // An open-addressing table from event id to slot, three longs an entry: the id's halves and slot + 1 (0 when empty).
    // The id is kept beside its slot so that a lookup costs one cache miss rather than two.

    /** Fills the table, once, when a row first falls outside the log's order. */
    private synchronized void index() {
        if (indexed) {
            return;
        }
        table = new long[3 * (Integer.highestOneBit(Math.max(2 * size, 2) - 1) << 1)];
        for (int slot = 0; slot < size; slot++) {
            if (present[slot]) {
                index(slot);
            }
        }
        indexed = true;
    }

    private void index(int slot) {
        int entries = table.length / 3;
        for (int i = spread(ids[2 * slot], ids[2 * slot + 1]) & (entries - 1); ; i = (i + 1) & (entries - 1)) {
            if (table[3 * i + 2] == 0) {
                table[3 * i] = ids[2 * slot];
                table[3 * i + 1] = ids[2 * slot + 1];
                table[3 * i + 2] = slot + 1L;
                return;
            }
        }
    }

    /**
     * The slot of event id {@code high, low}, or -1, trying the slot of the previous row and the next one first. The
     * tables are append-only and written in about the order the log takes their events in, so a row usually belongs to
     * the next leaf (or, for a budget line, to the same one): that costs no lookup in the table, whose every probe
     * misses the CPU's caches.
     */
    private int slot(long high, long low, int previous) {
        for (int guess = Math.max(previous, 0); guess <= previous + 1 && guess < size; guess++) {
            if (present[guess] && ids[2 * guess] == high && ids[2 * guess + 1] == low) {
                return guess;
            }
        }
        if (!indexed) {
            index();
        }
        int entries = table.length / 3;
        for (int i = spread(high, low) & (entries - 1); table[3 * i + 2] != 0; i = (i + 1) & (entries - 1)) {
            if (table[3 * i] == high && table[3 * i + 1] == low) {
                return (int) table[3 * i + 2] - 1;
            }
        }
        return -1;
    }

    /** Event ids are chosen by clients, so their bits are mixed rather than trusted to be random. */
    private static int spread(long high, long low) {
        long h = (high * 0x9E3779B97F4A7C15L) ^ low;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return (int) h;
    }

    /** Budget lines by slot: a linked list per slot in growing arrays, each line's policy and its amount as the leaf writes it. */
    private static final class Lines {
        private final int[] head;
        private int[] next = new int[1024];
        private long[] policies = new long[2048];
        /**
         * Each line's amount as PostgreSQL sent it (numeric's binary form), one after another in one array, printed
         * when its leaf is encoded: a million small arrays kept until then were copied by every young collection.
         */
        private byte[] amounts = new byte[16 * 1024];
        private int[] amountAt = new int[1025];
        private int count;

        Lines(int slots) {
            head = new int[slots];
            Arrays.fill(head, -1);
        }

        void add(int slot, long policyHigh, long policyLow, CopyTuples.Tuple t, int amountField) {
            if (count == next.length) {
                next = Arrays.copyOf(next, 2 * count);
                policies = Arrays.copyOf(policies, 4 * count);
                amountAt = Arrays.copyOf(amountAt, 2 * count + 1);
            }
            int length = t.length(amountField);
            int at = amountAt[count];
            if (at + length > amounts.length) {
                amounts = Arrays.copyOf(amounts, Math.max(2 * amounts.length, at + length));
            }
            t.copy(amountField, amounts, at, length);
            amountAt[count + 1] = at + length;
            next[count] = head[slot];
            policies[2 * count] = policyHigh;
            policies[2 * count + 1] = policyLow;
            head[slot] = count++;
        }

        /** The slot's lines as the leaf holds them: policy text and amount, in policy order (uuid byte order is the order of their text). */
        List<byte[]> of(int slot) {
            int line = head[slot];
            if (line < 0) {
                return List.of();
            }
            if (next[line] < 0) {
                return List.of(UuidText.of(policies[2 * line], policies[2 * line + 1]), amount(line));
            }
            List<Integer> found = new ArrayList<>(4);
            for (; line >= 0; line = next[line]) {
                found.add(line);
            }
            found.sort((a, b) -> {
                int high = Long.compareUnsigned(policies[2 * a], policies[2 * b]);
                return high != 0 ? high : Long.compareUnsigned(policies[2 * a + 1], policies[2 * b + 1]);
            });
            List<byte[]> pairs = new ArrayList<>(2 * found.size());
            for (int each : found) {
                pairs.add(UuidText.of(policies[2 * each], policies[2 * each + 1]));
                pairs.add(amount(each));
            }
            return pairs;
        }

        private byte[] amount(int line) {
            return LeafReader.amount(Arrays.copyOfRange(amounts, amountAt[line], amountAt[line + 1]));
        }
    }
}
