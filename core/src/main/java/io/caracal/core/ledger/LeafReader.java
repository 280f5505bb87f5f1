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
     * The columns a query given to {@link #read} selects, in this order: the leaf's index, its event id and stored
     * hash (null for a leaf being made), then the event's own columns from {@code ledger_events e} (null when the
     * event is gone). Amounts come as text: numeric(38,9) prints as the leaf writes it, with 9 decimals.
     */
    static final String EVENT_COLUMNS = "e.event_id, e.agent_id, e.hold_id, e.amount::text, e.currency, e.occurred_at, e.recorded_at,"
            + " e.resource, e.metadata, (SELECT array_agg(line.policy_id::text || ' ' || line.amount::text"
            + " ORDER BY line.policy_id) FROM ledger_event_lines line WHERE line.event_id = e.event_id)";
    private static final int FIELDS = 13;
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

    /** Runs {@code select} (the columns of {@link #EVENT_COLUMNS}' comment) as a binary COPY and hands each leaf to {@code each} in order. */
    static void read(Connection c, String select, Consumer<Read> each) throws SQLException {
        ArrayDeque<CompletableFuture<List<Read>>> pending = new ArrayDeque<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                new PGCopyInputStream(c.unwrap(PGConnection.class), "COPY (" + select + ") TO STDOUT (FORMAT binary)"), 1 << 16))) {
            header(in);
            List<byte[][]> chunk = new ArrayList<>(CHUNK);
            byte[][] row;
            while ((row = row(in)) != null) {
                chunk.add(row);
                if (chunk.size() == CHUNK) {
                    submit(pending, chunk, each);
                    chunk = new ArrayList<>(CHUNK);
                }
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

    private static void submit(ArrayDeque<CompletableFuture<List<Read>>> pending, List<byte[][]> chunk, Consumer<Read> each) {
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

    private static Read leaf(byte[][] f) {
        long index = ByteBuffer.wrap(f[0]).getLong();
        UUID eventId = uuid(f[1]);
        if (f[3] == null) {
            return new Read(index, eventId, f[2], null);
        }
        LedgerLeaf.Fields fields = new LedgerLeaf.Fields(uuidText(f[3]), uuidText(f[4]), f[5] == null ? new byte[0] : uuidText(f[5]),
                amount(f[6]), f[7], micros(f[8]), micros(f[9]), f[10], metadata(f[11]), lines(f[12]));
        return new Read(index, eventId, f[2], LedgerLeaf.hash(index, fields));
    }

    private static UUID uuid(byte[] sixteen) {
        ByteBuffer bytes = ByteBuffer.wrap(sixteen);
        return new UUID(bytes.getLong(), bytes.getLong());
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** The 36-character form UUID.toString() gives, from the 16 bytes. */
    private static byte[] uuidText(byte[] sixteen) {
        byte[] text = new byte[36];
        int at = 0;
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                text[at++] = '-';
            }
            text[at++] = HEX[(sixteen[i] >> 4) & 0xf];
            text[at++] = HEX[sixteen[i] & 0xf];
        }
        return text;
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

    /**
     * The text[] of "policy amount" in policy order (uuid order is the order of their text, which the leaf sorts by),
     * in the array's binary form: dimensions, a null flag, the element type, each dimension's size and lower bound,
     * then each element's length and bytes.
     */
    private static List<byte[]> lines(byte[] array) {
        List<byte[]> pairs = new ArrayList<>();
        if (array == null) {
            return pairs;
        }
        ByteBuffer in = ByteBuffer.wrap(array);
        int dimensions = in.getInt();
        in.getInt();
        in.getInt();
        int count = dimensions == 0 ? 0 : in.getInt();
        if (dimensions == 1) {
            in.getInt();
        }
        for (int i = 0; i < count; i++) {
            byte[] line = new byte[in.getInt()];
            in.get(line);
            pairs.add(Arrays.copyOf(line, 36));
            pairs.add(amount(Arrays.copyOfRange(line, 37, line.length)));
        }
        return pairs;
    }
}
