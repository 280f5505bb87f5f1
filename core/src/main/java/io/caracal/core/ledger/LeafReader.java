package io.caracal.core.ledger;

import io.caracal.core.store.JsonMaps;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyInputStream;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
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
     * being made), the event's own columns (null when the event is gone; amounts as text, since numeric(38,9) prints as
     * the leaf writes it, with 9 decimals), then one budget line: a row per line, in policy order (uuid order is the
     * order of their text, which the leaf sorts by), and one row with a null line for an event without any. Joining the
     * lines in cost PostgreSQL 7.5 s at a million events where a sub-query per event cost 20 s (same busy machine).
     */
    private static final String COLUMNS = "e.event_id, e.agent_id, e.hold_id, e.amount::text, e.currency, e.occurred_at, e.recorded_at,"
            + " e.resource, e.metadata, line.policy_id, line.amount::text";
    private static final String LINES = " LEFT JOIN ledger_event_lines line ON line.event_id = e.event_id";
    private static final int FIELDS = 14;
    private static final int EVENT_FIELDS = 12;
    private static final int CHUNK = 4096;
    private static final int IN_FLIGHT = 4;
    /** What starts a binary COPY stream, either way. */
    static final byte[] COPY_SIGNATURE = "PGCOPY\n\377\r\n\0".getBytes(StandardCharsets.ISO_8859_1);
    /** PostgreSQL counts time in microseconds from 2000-01-01. */
    static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;
    private static final ExecutorService WORKERS = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), task -> {
        Thread thread = new Thread(task, "caracal-leaf-hashing");
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
     * Up to {@code max} ledger events in no leaf yet, oldest recorded first, hashed as leaves {@code next},
     * {@code next + 1}... ({@code storedHash} is null: nothing is stored yet).
     */
    static List<Read> unlogged(Connection c, long next, int max) throws SQLException {
        List<Read> leaves = new ArrayList<>();
        read(c, "SELECT e.leaf_index, e.event_id, NULL::bytea, " + COLUMNS + " FROM (SELECT " + next
                + " + row_number() OVER (ORDER BY u.recorded_at, u.event_id) - 1 AS leaf_index, u.* FROM ledger_events u"
                + " WHERE NOT EXISTS (SELECT 1 FROM merkle_leaves m WHERE m.event_id = u.event_id) ORDER BY u.recorded_at, u.event_id LIMIT " + max
                + ") e" + LINES + " ORDER BY e.leaf_index, line.policy_id", leaves::add);
        return leaves;
    }

    private static void read(Connection c, String select, Consumer<Read> each) throws SQLException {
        ArrayDeque<CompletableFuture<List<Read>>> pending = new ArrayDeque<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                new PGCopyInputStream(c.unwrap(PGConnection.class), "COPY (" + select + ") TO STDOUT (FORMAT binary)"), 1 << 16))) {
            header(in);
            List<Raw> chunk = new ArrayList<>(CHUNK);
            Raw last = null;
            byte[][] row;
            while ((row = row(in)) != null) {
                if (last != null && Arrays.equals(row[0], last.fields()[0])) {
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
        } catch (IOException e) {
            throw new SQLException("cannot read the leaves: " + e.getMessage(), e);
        } finally {
            pending.forEach(f -> f.cancel(false));
        }
    }

    /** One leaf's rows as COPY sent them: the first row's fields, and every row, each carrying one budget line (or none). */
    private record Raw(byte[][] fields, List<byte[][]> rows) {
    }

    private static void submit(ArrayDeque<CompletableFuture<List<Read>>> pending, List<Raw> chunk, Consumer<Read> each) {
        pending.add(CompletableFuture.supplyAsync(() -> chunk.stream().map(LeafReader::leaf).toList(), WORKERS));
        while (pending.size() > IN_FLIGHT) {
            pending.poll().join().forEach(each);
        }
    }

    private static void header(DataInputStream in) throws IOException {
        byte[] signature = new byte[COPY_SIGNATURE.length];
        in.readFully(signature);
        if (!Arrays.equals(signature, COPY_SIGNATURE)) {
            throw new IOException("not a binary COPY stream");
        }
        in.readInt(); // flags: none that change the tuples
        in.skipNBytes(in.readInt());
    }

    /** The next tuple's fields (null for SQL NULL), or null at the trailer. */
    private static byte[][] row(DataInputStream in) throws IOException {
        short count = in.readShort();
        if (count == -1) {
            return null;
        }
        if (count != FIELDS) {
            throw new IOException("expected " + FIELDS + " columns, got " + count);
        }
        byte[][] fields = new byte[FIELDS][];
        for (int i = 0; i < FIELDS; i++) {
            int length = in.readInt();
            if (length >= 0) {
                fields[i] = new byte[length];
                in.readFully(fields[i]);
            }
        }
        return fields;
    }

    private static Read leaf(Raw raw) {
        byte[][] f = raw.fields();
        long index = ByteBuffer.wrap(f[0]).getLong();
        UUID eventId = uuid(f[1]);
        if (f[3] == null) {
            return new Read(index, eventId, f[2], null);
        }
        LedgerLeaf.Fields fields = new LedgerLeaf.Fields(LedgerLeaf.uuidText(f[3], 0), LedgerLeaf.uuidText(f[4], 0),
                f[5] == null ? LedgerLeaf.NONE : LedgerLeaf.uuidText(f[5], 0), amount(f[6]), f[7], micros(f[8]), micros(f[9]), f[10], metadata(f[11]),
                lines(raw.rows()));
        return new Read(index, eventId, f[2], LedgerLeaf.hash(index, fields));
    }

    private static UUID uuid(byte[] sixteen) {
        ByteBuffer bytes = ByteBuffer.wrap(sixteen);
        return new UUID(bytes.getLong(), bytes.getLong());
    }

    /** numeric(38,9) as text already has the leaf's 9 decimals; anything else is normalized as LedgerLeaf does a BigDecimal. */
    private static byte[] amount(byte[] text) {
        int point = -1;
        for (int i = 0; i < text.length; i++) {
            if (text[i] == '.') {
                point = i;
            }
        }
        if (point >= 0 && text.length - point - 1 == 9) {
            return text;
        }
        return new BigDecimal(new String(text, StandardCharsets.US_ASCII)).setScale(9, RoundingMode.UNNECESSARY).toPlainString()
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static long micros(byte[] timestamptz) {
        return ByteBuffer.wrap(timestamptz).getLong() + POSTGRES_EPOCH_MICROS;
    }

    /** jsonb's binary form is a version byte (1) and the JSON text. */
    private static List<byte[]> metadata(byte[] jsonb) {
        if (jsonb[0] != 1) {
            throw new IllegalStateException("unknown jsonb version " + jsonb[0]);
        }
        List<byte[]> pairs = new ArrayList<>();
        JsonMaps.read(new String(jsonb, 1, jsonb.length - 1, StandardCharsets.UTF_8)).forEach((key, value) -> {
            pairs.add(key.getBytes(StandardCharsets.UTF_8));
            pairs.add(value.getBytes(StandardCharsets.UTF_8));
        });
        return pairs;
    }

    /** The budget lines, policy and amount, from the rows of one leaf (a single row with a null policy when it has none). */
    private static List<byte[]> lines(List<byte[][]> rows) {
        List<byte[]> pairs = new ArrayList<>();
        for (byte[][] row : rows) {
            if (row[EVENT_FIELDS] != null) {
                pairs.add(LedgerLeaf.uuidText(row[EVENT_FIELDS], 0));
                pairs.add(amount(row[EVENT_FIELDS + 1]));
            }
        }
        return pairs;
    }
}
