package io.caracal.core.ledger;

import io.caracal.core.keys.PemKeys;
import io.caracal.core.merkle.MerkleTree;
import io.caracal.core.store.Database;
import io.caracal.testing.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The binary COPY reader against the JDBC path (LedgerStore.row, then LedgerLeaf.encode of the LedgerRow), on real
 * PostgreSQL, for events with every kind of field: holds and none, amounts from 1e-9 to 29 integer digits, odd
 * currencies, times before 2000 (negative in PostgreSQL's count) and with microseconds, no resource and a unicode
 * one, empty and many-keyed unicode metadata (keys whose UTF-16 and UTF-8 orders differ), none, one and several budget
 * lines, plus more events than one chunk. The integrator stores the leaves the reader hashes, so they must be the
 * JDBC path's byte for byte, and verify-range must recompute them alike.
 */
class LeafReaderTest {
    private static final String AGENT = "7a3f2b8c-0000-4000-8000-000000000001";

    private HikariDataSource pool;
    private MerkleLogStore log;
    private PemKeys.SigningKey key;

    @BeforeEach
    void ledger(@TempDir Path keys) throws Exception {
        pool = TestDatabase.pool("leaf_reader_" + Long.toHexString(System.nanoTime()));
        log = new MerkleLogStore(new Database(pool), Clock.systemUTC());
        key = PemKeys.generate(keys.resolve("key.pem"));
        sql("INSERT INTO agents (id, name, owner, created_at, updated_at) VALUES ('" + AGENT + "', 'reader', 'ops@example.com', now(), now())");
        event("'00000000-0000-4000-8000-000000000001'", "NULL", "0.000000001", "USD", "1999-12-31 23:59:59.999999+00", "NULL", "'{}'");
        event("'ffffffff-ffff-4fff-bfff-ffffffffffff'", "'0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9'", "12345678901234567890123456789.123456789",
                "XAU", "2026-12-05 10:00:00.000001+00", "'api.example.com/v1/chat'", "'{\"b\": \"2\", \"a\": \"1\", \"A\": \"0\"}'");
        event("'3c9e8a70-1234-4abc-9def-0123456789ab'", "NULL", "0", "XTS", "1970-01-01 00:00:00+00", "'ресурс/模型/😀'",
                "'{\"é\": \"ü\", \"\uFFFD\": \"replacement\", \"😀\": \"astral (sorts before U+FFFD in UTF-16)\", \"empty\": \"\"}'");
        event("'8b6d4f2a-5c3e-4a1b-9f8e-7d6c5b4a3928'", "NULL", "42.5", "JPY", "2026-06-30 23:59:59.5+00", "''", "'{\"quote\": \"\\\\\\\" \\\\\\\\ \\\\n\"}'");
        lines("'3c9e8a70-1234-4abc-9def-0123456789ab'", "'99999999-0000-4000-8000-000000000000'", "1.5");
        lines("'8b6d4f2a-5c3e-4a1b-9f8e-7d6c5b4a3928'", "'cccccccc-0000-4000-8000-000000000000'", "0.000000001");
        lines("'8b6d4f2a-5c3e-4a1b-9f8e-7d6c5b4a3928'", "'11111111-0000-4000-8000-000000000000'", "99999999999999999999999999999.999999999");
        lines("'8b6d4f2a-5c3e-4a1b-9f8e-7d6c5b4a3928'", "'aaaaaaaa-0000-4000-8000-000000000000'", "7");
        sql("INSERT INTO ledger_events (event_id, agent_id, hold_id, amount, currency, occurred_at, recorded_at, resource, metadata)"
                + " SELECT gen_random_uuid(), '" + AGENT + "', NULL, n / 1000.0, 'EUR', timestamptz '2026-12-01' + n * interval '1 ms',"
                + " timestamptz '2026-12-02' + n * interval '1 ms', 'r', jsonb_build_object('n', n::text) FROM generate_series(1, 5000) n");
    }

    @AfterEach
    void close() {
        pool.close();
    }

    @Test
    void integratesTheLeavesTheJdbcPathEncodes() throws Exception {
        MerkleLog.Run run = new MerkleLog(log, "caracal-test", key, 1000, Duration.ofMinutes(5)).integrateAll();
        assertEquals(5004, run.appended());
        List<MerkleLogStore.Leaf> leaves = log.leaves(0, 5004);
        for (MerkleLogStore.Leaf leaf : leaves) {
            assertArrayEquals(LedgerLeaf.hash(leaf.index(), leaf.event()), leaf.storedHash(),
                    "leaf " + leaf.index() + " " + leaf.event() + " as JDBC encodes it: " + HexFormat.of().formatHex(LedgerLeaf.encode(leaf.index(), leaf.event())));
        }
        assertTrue(new LedgerVerifier(log).verifyRange(java.time.Instant.EPOCH, java.time.Instant.parse("2100-01-01T00:00:00Z")).passed());
        // The scan hands over each clean block of 256 leaves as its root: 19 blocks, and the 140 leaves after them.
        LedgerScan scan;
        try (Connection c = pool.getConnection()) {
            scan = LedgerScan.read(c, 5004, Instant.now());
        }
        int[] counts = new int[2];
        scan.forEachRecomputedLeaf(0, 5004, new LedgerVerifier.Leaves() {
            @Override
            public void take(LeafReader.Read leaf) {
                counts[0]++;
            }

            @Override
            public boolean takeSubtree(long first, int height, byte[] root) {
                MerkleTree block = new MerkleTree();
                leaves.subList((int) first, (int) first + (1 << height)).forEach(leaf -> block.append(leaf.storedHash()));
                assertArrayEquals(block.root(1 << height), root, "the block from leaf " + first);
                counts[1]++;
                return true;
            }
        });
        assertEquals(140, counts[0]);
        assertEquals(19, counts[1]);
    }

    @Test
    void recomputesEachLeafInOrderAndTellsAGoneEvent() throws Exception {
        new MerkleLog(log, "caracal-test", key, 1000, Duration.ofMinutes(5)).integrateAll();
        List<MerkleLogStore.Leaf> jdbc = log.leaves(0, 5004);
        sql("SET session_replication_role = replica; DELETE FROM ledger_events WHERE event_id = '" + jdbc.get(4100).eventId() + "'");
        List<LeafReader.Read> read = new ArrayList<>();
        log.forEachRecomputedLeaf(0, 5004, read::add);
        assertEquals(5004, read.size());
        for (int i = 0; i < read.size(); i++) {
            LeafReader.Read leaf = read.get(i);
            assertEquals(i, leaf.index());
            assertEquals(jdbc.get(i).eventId(), leaf.eventId());
            assertArrayEquals(jdbc.get(i).storedHash(), leaf.storedHash());
            if (i == 4100) {
                assertTrue(leaf.eventGone());
                assertNull(leaf.hash());
            } else {
                assertArrayEquals(LedgerLeaf.hash(i, jdbc.get(i).event()), leaf.hash(), "leaf " + i);
            }
        }
        List<LeafReader.Read> middle = new ArrayList<>();
        log.forEachRecomputedLeaf(2, 4, middle::add);
        assertEquals(List.of(2L, 3L), middle.stream().map(LeafReader.Read::index).toList());
    }

    /**
     * The in-memory join of one scan per table ({@link LedgerScan}) against PostgreSQL's joins, on a tampered ledger: an
     * edited amount, a deleted event, a lost leaf row (a gap), an added and a removed budget line, events in no leaf
     * recorded before and after the cut-off, and rows whose physical order is not the log's (the first four events).
     */
    @Test
    void scanningEachTableOnceRecomputesWhatPostgresJoinsDo() throws Exception {
        new MerkleLog(log, "caracal-test", key, 1000, Duration.ofMinutes(5)).integrateAll();
        List<MerkleLogStore.Leaf> jdbc = log.leaves(0, 5004);
        sql("SET session_replication_role = replica; UPDATE ledger_events SET amount = amount + 1 WHERE event_id = '" + jdbc.get(10).eventId() + "';"
                + " DELETE FROM ledger_events WHERE event_id = '" + jdbc.get(4100).eventId() + "';"
                + " DELETE FROM merkle_leaves WHERE leaf_index = 3000;"
                + " DELETE FROM ledger_event_lines WHERE event_id = '3c9e8a70-1234-4abc-9def-0123456789ab';"
                + " INSERT INTO ledger_event_lines (event_id, policy_id, amount) VALUES ('" + jdbc.get(2000).eventId() + "', gen_random_uuid(), 3)");
        event("'00000000-0000-4000-8000-00000000000a'", "NULL", "1", "USD", "2026-12-01 12:00:00+00", "NULL", "'{}'");
        event("'f0000000-0000-4000-8000-00000000000b'", "NULL", "1", "USD", "2026-12-01 12:00:00+00", "NULL", "'{}'");
        event("'00000000-0000-4000-8000-00000000000c'", "NULL", "1", "USD", "2027-01-01 00:00:00+00", "NULL", "'{}'");
        Instant cutoff = Instant.parse("2026-12-31T00:00:00Z");
        assertInstanceOf(LedgerScan.class, log.logFor(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), 5004, cutoff));
        assertSame(log, log.logFor(Instant.parse("2026-12-01T00:00:01Z"), Instant.parse("2026-12-01T00:00:02.2Z"), 5004, cutoff),
                "1,200 events of 5,004 are checked through PostgreSQL's joins");
        assertInstanceOf(LedgerScan.class, log.logFor(Instant.parse("2026-12-01T00:00:01Z"), Instant.parse("2026-12-01T00:00:02.3Z"), 5004, cutoff),
                "1,300 events of 5,004 by the scan");
        LedgerScan scan;
        try (Connection c = pool.getConnection()) {
            scan = LedgerScan.read(c, 5004, cutoff);
        }
        for (long[] window : new long[][]{{0, 5004}, {0, 1}, {2, 4}, {2999, 3002}, {4099, 4101}, {5000, 6000}}) {
            List<LeafReader.Read> joined = new ArrayList<>();
            List<LeafReader.Read> scanned = new ArrayList<>();
            log.forEachRecomputedLeaf(window[0], window[1], joined::add);
            scan.forEachRecomputedLeaf(window[0], window[1], scanned::add);
            assertEquals(joined.size(), scanned.size(), "leaves " + window[0] + " to " + window[1]);
            for (int i = 0; i < joined.size(); i++) {
                LeafReader.Read expected = joined.get(i);
                LeafReader.Read actual = scanned.get(i);
                assertEquals(expected.index(), actual.index());
                assertEquals(expected.eventId(), actual.eventId());
                assertArrayEquals(expected.storedHash(), actual.storedHash());
                assertArrayEquals(expected.hash(), actual.hash(), "leaf " + expected.index());
            }
        }
        List<LeafReader.Read> all = new ArrayList<>();
        scan.forEachRecomputedLeaf(0, 5004, all::add);
        assertEquals(5003, all.size(), "the lost leaf row is a gap");
        assertEquals(List.of(4100L), all.stream().filter(LeafReader.Read::eventGone).map(LeafReader.Read::index).toList());
        assertEquals(List.of(0L, 10L, 2000L), all.stream().filter(r -> !r.eventGone() && !java.util.Arrays.equals(r.hash(), r.storedHash()))
                .map(LeafReader.Read::index).toList(), "the event without its line (the oldest: leaf 0), the edited amount, the added line");
        // The whole verification, through the scan and through PostgreSQL's joins, tells the same story.
        List<MerkleLogStore.CheckpointRow> checkpoints = log.checkpoints();
        LedgerScan signedScan;
        try (Connection c = pool.getConnection()) {
            signedScan = LedgerScan.read(c, 5004, checkpoints.get(checkpoints.size() - 1).createdAt());
        }
        LedgerVerifier verifier = new LedgerVerifier(log);
        LedgerVerifier.Report joinedReport = verifier.verifyRange(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), checkpoints, log);
        LedgerVerifier.Report scannedReport = verifier.verifyRange(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), checkpoints, signedScan);
        assertFalse(scannedReport.passed());
        assertEquals(joinedReport.problems(), scannedReport.problems());
        assertEquals(joinedReport.eventsChecked(), scannedReport.eventsChecked());
        assertEquals(joinedReport.checkpoints().stream().map(r -> r.checkpoint().batchId() + " " + r.signature() + " " + r.rootMatches()).toList(),
                scannedReport.checkpoints().stream().map(r -> r.checkpoint().batchId() + " " + r.signature() + " " + r.rootMatches()).toList());
        for (Instant[] range : new Instant[][]{{Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z")},
                {Instant.parse("2026-12-01T00:00:01Z"), Instant.parse("2026-12-01T00:00:02.5Z")}, {Instant.parse("1999-01-01T00:00:00Z"), Instant.parse("2000-01-01T00:00:00Z")}}) {
            assertEquals(log.leafIndexesBetween(range[0], range[1]), scan.leafIndexesBetween(range[0], range[1]));
            assertEquals(log.eventsOutsideTheLog(range[0], range[1], cutoff), scan.eventsOutsideTheLog(range[0], range[1], cutoff));
        }
        assertEquals(java.util.Set.of(java.util.UUID.fromString("00000000-0000-4000-8000-00000000000a"), java.util.UUID.fromString("f0000000-0000-4000-8000-00000000000b"),
                jdbc.get(3000).eventId()), java.util.Set.copyOf(scan.eventsOutsideTheLog(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"), cutoff)),
                "the two recorded before the cut-off, and the one whose leaf row was lost");
    }

    /** Events recorded together (one ledger batch) become leaves in the order they were written, so the table's order is the log's. */
    @Test
    void eventsRecordedTogetherAreLoggedInTheOrderTheyWereWritten() throws Exception {
        List<String> written = List.of("ffffffff-0000-4000-8000-000000000001", "00000000-0000-4000-8000-0000000000ff", "88888888-0000-4000-8000-000000000001");
        for (String id : written) {
            event("'" + id + "'", "NULL", "1", "USD", "2030-01-01 00:00:00+00", "NULL", "'{}'");
        }
        new MerkleLog(log, "caracal-test", key, 1000, Duration.ofMinutes(5)).integrateAll();
        assertEquals(written, log.leaves(5004, 5007).stream().map(leaf -> leaf.eventId().toString()).toList());
    }

    private void event(String id, String hold, String amount, String currency, String at, String resource, String metadata) throws Exception {
        sql("SET session_replication_role = replica; INSERT INTO ledger_events (event_id, agent_id, hold_id, amount, currency, occurred_at, recorded_at,"
                + " resource, metadata) VALUES (" + id + ", '" + AGENT + "', " + hold + ", " + amount + ", '" + currency + "', '" + at + "', '" + at
                + "', " + resource + ", " + metadata + ")");
    }

    private void lines(String event, String policy, String amount) throws Exception {
        sql("SET session_replication_role = replica; INSERT INTO ledger_event_lines (event_id, policy_id, amount) VALUES (" + event + ", " + policy + ", " + amount + ")");
    }

    private void sql(String sql) throws Exception {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
