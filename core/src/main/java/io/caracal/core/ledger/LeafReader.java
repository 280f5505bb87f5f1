package io.caracal.core.ledger;

import io.caracal.core.store.JsonMaps;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Leaves with the ledger events they name, read by binary COPY and recomputed on every core: this thread reads the
 * COPY stream into chunks of raw fields, a pool re-encodes each event as its leaf ({@link LedgerLeaf}) straight from
 * PostgreSQL's bytes and hashes it, and the leaves are handed on in order. Read through JDBC (a ResultSet row, BigDecimals,
 * Instants, UUIDs and maps per event), verify-range took 46 µs an event, a hundred times its hashing (bench/RESULTS.md).
 * Memory stays bounded: at most {@value #IN_FLIGHT} chunks are read ahead.
 */
final class LeafReader {
    /**
     * What each query here selects, in this order: the leaf's index, its event id and stored hash (null for a leaf
     * being made), the event's own columns (null when the event is gone), then one budget line: a row per line, in
     * policy order (uuid order is the order of their text, which the leaf sorts by), and one row with a null line for
     * an event without any. Joining the
     * lines in cost PostgreSQL 7.5 s at a million events where a sub-query per event cost 20 s (same busy machine).
     */
    private static final String COLUMNS = "e.event_id, e.agent_id, e.hold_id, e.amount, e.currency, e.occurred_at, e.recorded_at,"
            + " e.resource, e.metadata, line.policy_id, line.amount";
    private static final String LINES = " LEFT JOIN ledger_event_lines line ON line.event_id = e.event_id";
    private static final int FIELDS = 14;
    private static final int EVENT_FIELDS = 12;
    private static final int CHUNK = 4096;
    private static final int IN_FLIGHT = 4;
    /** One thread per core for the ledger's recomputing and checking: this reader's, {@link LedgerScan}'s and the verifier's. */
    static final ExecutorService WORKERS = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), task -> {
        Thread thread = new Thread(task, "caracal-ledger-worker");
        thread.setDaemon(true);
        return thread;
    });

    private LeafReader() {
    }

    /** A leaf as stored and as the ledger's event at its index hashes now ({@code hash} null when the event is gone). */
    record Read(long index, UUID eventId, byte[] storedHash, byte[] hash) {
        boolean eventGone() {
            return hash == null;
        }
    }

    /** Leaves [from, to) as stored, in order, each with the hash of the ledger event at its index as that event is now. */
    static void leaves(Connection c, long from, long to, Consumer<Read> each) throws SQLException {
        read(c, "SELECT l.leaf_index, l.event_id, l.leaf_hash, " + COLUMNS + " FROM merkle_leaves l LEFT JOIN ledger_events e ON e.event_id = l.event_id"
                + LINES + " WHERE l.leaf_index >= " + from + " AND l.leaf_index < " + to + " ORDER BY l.leaf_index, line.policy_id", each);
    }

    /**
     * Up to {@code max} ledger events in no leaf yet, written by transaction {@code horizon} or a later one, hashed as
     * leaves {@code next}, {@code next + 1}... ({@code storedHash} is null: nothing is stored yet): oldest recorded
     * first, and those recorded together (a ledger consumer's batch shares one time) in the order they were written,
     * not by id. The table's stored order is then the log's, which lets verify-range match its rows to their leaves
     * without looking each up ({@link LedgerScan}).
     */
    static List<Read> unlogged(Connection c, long next, long horizon, int max) throws SQLException {
        List<Read> leaves = new ArrayList<>();
        read(c, "SELECT e.leaf_index, e.event_id, NULL::bytea, " + COLUMNS + " FROM (SELECT " + next
                + " + row_number() OVER (ORDER BY u.recorded_at, u.ctid) - 1 AS leaf_index, u.* FROM ledger_events u"
                + " WHERE u.written_by >= " + horizon + " AND NOT EXISTS (SELECT 1 FROM merkle_leaves m WHERE m.event_id = u.event_id)"
                + " ORDER BY u.recorded_at, u.ctid LIMIT " + max + ") e" + LINES + " ORDER BY e.leaf_index, line.policy_id", leaves::add);
        return leaves;
    }

    private static void read(Connection c, String select, Consumer<Read> each) throws SQLException {
        ArrayDeque<CompletableFuture<List<Read>>> pending = new ArrayDeque<>();
        try {
            CopyTuples tuples = CopyTuples.open(c, select, FIELDS);
            List<Raw> chunk = new ArrayList<>(CHUNK);
            Raw last = null;
            CopyTuples.Tuple row;
            while ((row = tuples.next()) != null) {
                if (last != null && row.int64(0) == last.first().int64(0)) {
                    last.rows().add(row); // another budget line of the same leaf
                    continue;
                }
                if (chunk.size() == CHUNK) {
                    submit(pending, chunk, each);
                    chunk = new ArrayList<>(CHUNK);
                }
                last = new Raw(row, new ArrayList<>());
                last.rows().add(row);
                chunk.add(last);
            }
            submit(pending, chunk, each);
            while (!pending.isEmpty()) {
                pending.poll().join().forEach(each);
            }
        } finally {
            pending.forEach(f -> f.cancel(false));
        }
    }

    /** One leaf's rows as COPY sent them: a row per budget line (or one without any). */
    private record Raw(CopyTuples.Tuple first, List<CopyTuples.Tuple> rows) {
    }

    private static void submit(ArrayDeque<CompletableFuture<List<Read>>> pending, List<Raw> chunk, Consumer<Read> each) {
        pending.add(CompletableFuture.supplyAsync(() -> chunk.stream().map(LeafReader::leaf).toList(), WORKERS));
        while (pending.size() > IN_FLIGHT) {
            pending.poll().join().forEach(each);
        }
    }

    private static Read leaf(Raw raw) {
        CopyTuples.Tuple f = raw.first();
        long index = f.int64(0);
        UUID eventId = f.uuid(1);
        if (f.isNull(3)) {
            return new Read(index, eventId, f.bytes(2), null);
        }
        List<byte[]> lines = new ArrayList<>();
        for (CopyTuples.Tuple row : raw.rows()) {
            if (!row.isNull(EVENT_FIELDS)) {
                lines.add(row.uuidText(EVENT_FIELDS));
                lines.add(amount(row.bytes(EVENT_FIELDS + 1)));
            }
        }
        return new Read(index, eventId, f.bytes(2), LedgerLeaf.hash(index, fields(f, 3, lines)));
    }

    /**
     * The leaf's fields of the event whose columns, as {@link #COLUMNS} selects them up to its lines, start at
     * {@code first}: what this reader and {@link LedgerScan} both decode PostgreSQL's bytes with.
     */
    static LedgerLeaf.Fields fields(CopyTuples.Tuple t, int first, List<byte[]> lines) {
        return new LedgerLeaf.Fields(t.uuidText(first), t.uuidText(first + 1), t.isNull(first + 2) ? LedgerLeaf.NONE : t.uuidText(first + 2),
                amount(t.bytes(first + 3)), t.bytes(first + 4), t.micros(first + 5), t.micros(first + 6), t.bytes(first + 7),
                metadata(t.bytes(first + 8)), lines);
    }

    /**
     * An amount as the leaf writes it (plain, 9 decimals) from numeric's binary form: digit count, weight, sign and
     * display scale (16 bits each), then base-10,000 digits, the first worth 10,000^weight. Printing numerics cost
     * PostgreSQL a third of the budget lines' COPY. Read as billionths when they fit a long, else as a BigDecimal
     * (which refuses what would need rounding).
     */
    static byte[] amount(byte[] numeric) {
        int count = u16(numeric, 0);
        int sign = u16(numeric, 4);
        if (numeric.length == 8 + 2 * count && (sign == 0 || sign == 0x4000)) {
            try {
                long units = 0;
                for (int i = 0; i < count; i++) {
                    units = Math.addExact(Math.multiplyExact(units, 10_000), digit(numeric, i));
                }
                // The digits read as one integer have this many decimals; the leaf has 9.
                int scale = 4 * (count - 1 - (short) u16(numeric, 2));
                for (; scale < 9; scale++) {
                    units = Math.multiplyExact(units, 10);
                }
                for (; scale > 9 && units % 10 == 0; scale--) {
                    units /= 10;
                }
                if (scale == 9) {
                    return LedgerLeaf.amount(sign == 0 ? units : -units);
                }
            } catch (ArithmeticException beyondALong) {
                // printed from a BigDecimal below
            }
        }
        return LedgerLeaf.amount(decimal(numeric));
    }

    private static BigDecimal decimal(byte[] numeric) {
        int count = u16(numeric, 0);
        int sign = u16(numeric, 4);
        if (sign != 0 && sign != 0x4000) {
            throw new IllegalStateException("an amount is not a number (NaN or infinite)");
        }
        BigInteger unscaled = BigInteger.ZERO;
        for (int i = 0; i < count; i++) {
            unscaled = unscaled.multiply(BigInteger.valueOf(10_000)).add(BigInteger.valueOf(digit(numeric, i)));
        }
        BigDecimal value = new BigDecimal(unscaled, 4 * (count - 1 - (short) u16(numeric, 2)));
        return sign == 0 ? value : value.negate();
    }

    /** The {@code i}th base-10,000 digit. */
    private static int digit(byte[] numeric, int i) {
        return u16(numeric, 8 + 2 * i);
    }

    private static int u16(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 8 | (bytes[at + 1] & 0xff);
    }

    /**
     * jsonb's binary form is a version byte (1) and the JSON text. PostgreSQL prints an object of strings as
     * {@code {"key": "value", ...}}; when all of it is ASCII and nothing is escaped, the pairs are cut straight from
     * the bytes. Anything else goes through the JSON parser:
     * a quarter of verify-range's decoding went to creating one per event.
     */
    static List<byte[]> metadata(byte[] jsonb) {
        if (jsonb[0] != 1) {
            throw new IllegalStateException("unknown jsonb version " + jsonb[0]);
        }
        List<byte[]> pairs = plainStrings(jsonb);
        if (pairs != null) {
            return pairs;
        }
        List<byte[]> parsed = new ArrayList<>();
        JsonMaps.read(new String(jsonb, 1, jsonb.length - 1, StandardCharsets.UTF_8)).forEach((key, value) -> {
            parsed.add(key.getBytes(StandardCharsets.UTF_8));
            parsed.add(value.getBytes(StandardCharsets.UTF_8));
        });
        return parsed;
    }

    /** The key-sorted pairs of an object of unescaped strings with ASCII keys, or null for any other JSON. */
    private static List<byte[]> plainStrings(byte[] json) {
        int at = skipSpaces(json, 1);
        if (at >= json.length || json[at] != '{') {
            return null;
        }
        List<byte[]> pairs = new ArrayList<>();
        at = skipSpaces(json, at + 1);
        if (at < json.length && json[at] == '}') {
            return skipSpaces(json, at + 1) == json.length ? pairs : null;
        }
        while (true) {
            int keyStart = at + 1;
            int keyEnd = stringEnd(json, at);
            if (keyEnd < 0) {
                return null;
            }
            at = skipSpaces(json, keyEnd + 1);
            if (at >= json.length || json[at] != ':') {
                return null;
            }
            at = skipSpaces(json, at + 1);
            int valueEnd = stringEnd(json, at);
            if (valueEnd < 0) {
                return null;
            }
            pairs.add(Arrays.copyOfRange(json, keyStart, keyEnd));
            pairs.add(Arrays.copyOfRange(json, at + 1, valueEnd));
            at = skipSpaces(json, valueEnd + 1);
            if (at < json.length && json[at] == ',') {
                at = skipSpaces(json, at + 1);
            } else if (at < json.length && json[at] == '}') {
                // A repeated key is left to the parser, which keeps the last.
                return skipSpaces(json, at + 1) == json.length && LedgerLeaf.sortPairs(pairs) ? pairs : null;
            } else {
                return null;
            }
        }
    }

    private static int skipSpaces(byte[] json, int at) {
        while (at < json.length && (json[at] == ' ' || json[at] == '\n' || json[at] == '\t' || json[at] == '\r')) {
            at++;
        }
        return at;
    }

    /** Where the string opening at {@code at} closes, or -1 when there is none there or it holds an escape or a byte outside printable ASCII. */
    private static int stringEnd(byte[] json, int at) {
        if (at >= json.length || json[at] != '"') {
            return -1;
        }
        for (int i = at + 1; i < json.length; i++) {
            byte b = json[i];
            if (b == '"') {
                return i;
            }
            if (b == '\\' || b < 0x20) {
                return -1;
            }
        }
        return -1;
    }
}
