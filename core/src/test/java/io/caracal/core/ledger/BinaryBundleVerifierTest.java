package io.caracal.core.ledger;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.ledger.LedgerVerifier.Problem;
import io.caracal.core.ledger.LedgerVerifier.Report;
import io.caracal.core.ledger.MerkleLogStore.CheckpointRow;
import io.caracal.core.merkle.CompactRange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The binary bundle written and verified in memory, no database: a ledger of 100 events in batches cut off powers of
 * two, exported whole or in runs with gaps, then each kind of tampering applied to one batch as it is written.
 */
class BinaryBundleVerifierTest {
    private static final String ORIGIN = "test-ledger";
    private static final long[] CUTS = {0, 3, 10, 11, 29, 30, 64, 100};
    private static final Instant EXPORTED = Instant.parse("2026-12-05T10:00:00Z");

    private static PemKeys.SigningKey key;
    private static PemKeys.SigningKey other;
    private static LedgerRow[] rows;
    private static byte[][] hashes;
    private static List<CheckpointRow> checkpoints;

    @BeforeAll
    static void signedLedger() {
        key = PemKeys.generate();
        other = PemKeys.generate();
        UUID agent = UUID.randomUUID();
        UUID policy = UUID.randomUUID();
        int size = (int) CUTS[CUTS.length - 1];
        rows = new LedgerRow[size];
        hashes = new byte[size][];
        for (int i = 0; i < size; i++) {
            rows[i] = new LedgerRow(UUID.randomUUID(), i % 3 == 0 ? UUID.randomUUID() : agent, i % 4 == 0 ? UUID.randomUUID() : null,
                    new BigDecimal(i + ".000000001").negate().add(BigDecimal.valueOf(50)), i % 2 == 0 ? "EUR" : "USD",
                    Instant.parse("2026-01-01T00:00:00.000001Z").plusSeconds(i * 7L), Instant.parse("2026-01-02T00:00:00.5Z").plusMillis(i),
                    i % 5 == 0 ? null : "tool:" + (i % 7), i % 6 == 0 ? Map.of() : Map.of("k", "v" + i, "team", "ré"),
                    i % 2 == 0 ? Map.of(policy, new BigDecimal("0.5"), UUID.randomUUID(), BigDecimal.TEN) : Map.of());
            hashes[i] = LedgerLeaf.hash(i, rows[i]);
        }
        NoteKey noteKey = new NoteKey(ORIGIN, key.publicKey());
        checkpoints = new ArrayList<>();
        for (int b = 0; b + 1 < CUTS.length; b++) {
            byte[] root = range(0, CUTS[b + 1]).root();
            checkpoints.add(new CheckpointRow(UUID.randomUUID(), CUTS[b], CUTS[b + 1], root, noteKey.keyId(),
                    SignedNotes.sign(new Checkpoint(ORIGIN, CUTS[b + 1], root), noteKey, key.privateKey()), EXPORTED.minusSeconds(100 - b)));
        }
    }

    private static CompactRange range(long from, long to) {
        CompactRange range = CompactRange.empty();
        for (long i = from; i < to; i++) {
            range.append(hashes[(int) i]);
        }
        return range;
    }

    /** An event as it is exported: with the leaf hash read from the log. */
    private record Exported(byte[] leafHash, LedgerRow row) {
    }

    /** One batch as it is about to be written, for a test to change. */
    private static final class Written {
        final int batch;
        final List<Exported> events = new ArrayList<>();
        byte[] before;
        CheckpointRow checkpoint;

        Written(int batch) {
            this.batch = batch;
        }
    }

    private interface Change {
        void apply(Written written);
    }

    /** The bundle of the given batches, as BinaryBundleWriter lays it out, with {@code change} applied to each batch written. */
    private static byte[] bundle(List<Integer> batches, Change change) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryBundleOutput out = new BinaryBundleOutput(bytes);
        boolean whole = batches.size() == checkpoints.size();
        out.header(ORIGIN, EXPORTED, whole ? null : Instant.EPOCH, whole ? null : EXPORTED, List.of(new NoteKey(ORIGIN, key.publicKey())));
        CompactRange range = null;
        long events = 0;
        for (int b : batches) {
            CheckpointRow checkpoint = checkpoints.get(b);
            if (range == null || range.size() != checkpoint.firstLeaf()) {
                List<byte[]> bridge = new ArrayList<>();
                if (range == null) {
                    range = range(0, checkpoint.firstLeaf());
                } else {
                    for (long[] piece : BinaryBundle.bridge(range.size(), checkpoint.firstLeaf())) {
                        byte[] root = range(piece[0], piece[0] + (1L << piece[1])).root();
                        bridge.add(root);
                        range.appendSubtree(root, (int) piece[1]);
                    }
                }
                out.run(checkpoint.firstLeaf(), bridge, b == 0 ? null : checkpoints.get(b - 1));
            }
            Written written = new Written(b);
            written.before = range.encoded();
            written.checkpoint = checkpoint;
            for (long i = checkpoint.firstLeaf(); i < checkpoint.treeSize(); i++) {
                written.events.add(new Exported(hashes[(int) i], rows[(int) i]));
                range.append(hashes[(int) i]);
            }
            change.apply(written);
            BundleEventBlock.Writer block = new BundleEventBlock.Writer();
            written.events.forEach(e -> block.add(e.row(), e.leafHash()));
            out.checkpoint(written.checkpoint, CompactRange.decode(checkpoint.firstLeaf(), written.before), block.finish());
            events += written.events.size();
        }
        out.end(batches.size(), events);
        return bytes.toByteArray();
    }

    private static final List<Integer> ALL = List.of(0, 1, 2, 3, 4, 5, 6);

    private static byte[] whole(Change change) throws Exception {
        return bundle(ALL, change);
    }

    private static Change inBatch(int batch, Change change) {
        return w -> {
            if (w.batch == batch) {
                change.apply(w);
            }
        };
    }

    private static Report verify(byte[] bundle, ECPublicKey... trusted) {
        return LedgerBundleVerifier.verify(new ByteArrayInputStream(bundle), List.of(trusted)).report();
    }

    /** Fails, every problem names batch {@code batch}, and every other checkpoint exported passes. */
    private static List<Problem> failsInBatchOnly(Report report, List<Integer> exported, int batch) {
        assertFalse(report.passed());
        UUID batchId = checkpoints.get(batch).batchId();
        assertTrue(report.problems().stream().allMatch(p -> batchId.equals(p.batchId())), report.problems().toString());
        for (int i = 0; i < exported.size(); i++) {
            assertEquals(exported.get(i) != batch, report.checkpoints().get(i).passed(), "checkpoint " + exported.get(i) + ": " + report);
        }
        return report.problems();
    }

    private static List<Problem> failsInBatchOnly(Report report, int batch) {
        return failsInBatchOnly(report, ALL, batch);
    }

    private static boolean says(List<Problem> problems, String text) {
        return problems.stream().anyMatch(p -> p.what().contains(text));
    }

    @Test
    void aWholeLedgerAndRunsWithGapsVerifyEveryEventAndFitInAFewBytesEach() throws Exception {
        byte[] whole = whole(w -> { });
        Report report = verify(whole, key.publicKey());
        assertTrue(report.passed(), report.toString());
        assertEquals(100, report.eventsChecked());
        assertEquals(7, report.checkpoints().size());
        assertTrue(whole.length < 100 * 200, whole.length + " bytes");

        for (List<Integer> runs : List.of(List.of(3), List.of(2, 3), List.of(1, 4, 5), List.of(0, 6), List.of(1, 3, 6))) {
            Report part = verify(bundle(runs, w -> { }), key.publicKey());
            assertTrue(part.passed(), runs + ": " + part);
            assertEquals(runs.stream().mapToLong(b -> CUTS[b + 1] - CUTS[b]).sum(), part.eventsChecked());
        }
        LedgerBundleVerifier.Result ownKeys = LedgerBundleVerifier.verify(new ByteArrayInputStream(whole), List.of());
        assertTrue(ownKeys.keysFromBundle() && ownKeys.report().passed(), ownKeys.toString());
    }

    /** Every field the leaf covers reads back as written: nulls, microseconds, 9 decimals, metadata and lines, repeated or not. */
    @Test
    void anEventBlockReadsBackToTheSameLeaves() {
        BundleEventBlock.Writer block = new BundleEventBlock.Writer();
        for (int i = 0; i < rows.length; i++) {
            block.add(rows[i], hashes[i]);
        }
        List<BundleEventBlock.Event> read = BundleEventBlock.read(block.finish());
        assertEquals(rows.length, read.size());
        for (int i = 0; i < rows.length; i++) {
            LedgerLeaf.Fields fields = read.get(i).fields();
            assertTrue(Arrays.equals(LedgerLeaf.encode(i, rows[i]), LedgerLeaf.encode(i, fields)), "event " + i);
            assertTrue(Arrays.equals(hashes[i], read.get(i).leafHash()));
            assertEquals(rows[i].holdId() == null ? "" : rows[i].holdId().toString(), new String(fields.holdId(), StandardCharsets.US_ASCII));
            assertEquals(rows[i].resource(), fields.resource() == null ? null : new String(fields.resource(), StandardCharsets.UTF_8));
        }
        byte[] bytes = block.finish();
        assertThrows(IllegalArgumentException.class, () -> BundleEventBlock.read(Arrays.copyOf(bytes, bytes.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> BundleEventBlock.read(Arrays.copyOf(bytes, bytes.length + 1)));
    }

    @Test
    void anEditedAmountIsNamedWithItsEventAndBatch() throws Exception {
        int leaf = 15;
        Change edit = inBatch(3, w -> {
            int at = leaf - (int) CUTS[3];
            LedgerRow row = w.events.get(at).row();
            w.events.set(at, new Exported(w.events.get(at).leafHash(), new LedgerRow(row.eventId(), row.agentId(), row.holdId(),
                    row.amount().add(new BigDecimal("0.000000001")), row.currency(), row.occurredAt(), row.recordedAt(), row.resource(), row.metadata(),
                    row.lines())));
        });
        List<Problem> problems = failsInBatchOnly(verify(whole(edit), key.publicKey()), 3);
        assertEquals((long) leaf, problems.get(0).leafIndex(), problems.toString());
        assertEquals(rows[leaf].eventId(), problems.get(0).eventId());
        assertTrue(says(problems, "do not give the root its checkpoint signed"), problems.toString());

        // With its exported leaf hash recomputed too, the event is no longer pointed at, but its batch's root still fails.
        Change disguised = inBatch(3, w -> {
            int at = leaf - (int) CUTS[3];
            LedgerRow row = w.events.get(at).row();
            LedgerRow changed = new LedgerRow(row.eventId(), row.agentId(), row.holdId(), row.amount().add(BigDecimal.ONE), row.currency(),
                    row.occurredAt(), row.recordedAt(), row.resource(), row.metadata(), row.lines());
            w.events.set(at, new Exported(LedgerLeaf.hash(leaf, changed), changed));
        });
        List<Problem> root = failsInBatchOnly(verify(whole(disguised), key.publicKey()), 3);
        assertEquals(1, root.size(), root.toString());
        assertTrue(says(root, "leaves 11 to 28 do not give the root its checkpoint signed"), root.toString());
    }

    @Test
    void deletedInsertedAndReorderedEventsFailTheirBatch() throws Exception {
        assertTrue(says(failsInBatchOnly(verify(whole(inBatch(6, w -> w.events.remove(10))), key.publicKey()), 6),
                "holds 35 events but its checkpoint signed 36"));
        assertTrue(says(failsInBatchOnly(verify(whole(inBatch(6, w -> w.events.add(3, w.events.get(2)))), key.publicKey()), 6),
                "removed or inserted"));
        List<Problem> swapped = failsInBatchOnly(verify(whole(inBatch(1, w -> Collections.swap(w.events, 2, 3))), key.publicKey()), 1);
        assertEquals(rows[6].eventId(), swapped.get(0).eventId(), swapped.toString());
        assertEquals(5L, swapped.get(0).leafIndex());
        assertTrue(says(swapped, "do not give the root its checkpoint signed"), swapped.toString());
    }

    @Test
    void aRewrittenRootOrAKeyNotTrustedFailsTheCheckpoint() throws Exception {
        Change rewritten = inBatch(2, w -> {
            String note = w.checkpoint.note();
            String[] lines = note.split("\n", -1);
            lines[2] = lines[2].charAt(0) == 'A' ? "B" + lines[2].substring(1) : "A" + lines[2].substring(1);
            w.checkpoint = new CheckpointRow(w.checkpoint.batchId(), w.checkpoint.firstLeaf(), w.checkpoint.treeSize(), null, w.checkpoint.keyId(),
                    String.join("\n", lines), w.checkpoint.createdAt());
        });
        Report report = verify(whole(rewritten), key.publicKey());
        List<Problem> problems = failsInBatchOnly(report, 2);
        assertTrue(says(problems, "does not match the checkpoint: it was altered"), problems.toString());

        Report untrusted = verify(whole(w -> { }), other.publicKey());
        assertFalse(untrusted.passed());
        assertEquals(7, untrusted.problems().size(), untrusted.problems().toString());
        assertTrue(untrusted.checkpoints().stream().allMatch(c -> c.signature().startsWith("Invalid (signed by no known key")), untrusted.toString());
        for (int b = 0; b < 7; b++) {
            assertEquals(checkpoints.get(b).batchId(), untrusted.problems().get(b).batchId());
        }
    }

    @Test
    void aTamperedCompactRangeIsCaughtNotTrusted() throws Exception {
        Change flipped = inBatch(4, w -> w.before[7] ^= 1);
        List<Problem> problems = failsInBatchOnly(verify(whole(flipped), key.publicKey()), 4);
        assertTrue(says(problems, "the compact range it carries for leaves 0 to 28 does not fold to the root signed at 29 leaves"), problems.toString());

        // The first batch of a run, checked against the anchor checkpoint the run carries.
        List<Problem> anchored = failsInBatchOnly(verify(bundle(List.of(3, 4), inBatch(3, w -> w.before[40] ^= 1)), key.publicKey()),
                List.of(3, 4), 3);
        assertTrue(says(anchored, "does not fold to the root signed at 11 leaves"), anchored.toString());
    }

    @Test
    void aForgedBridgeBetweenRunsIsCaught() throws Exception {
        byte[] good = bundle(List.of(1, 4), w -> { });
        assertTrue(verify(good, key.publicKey()).passed());
        // Batch 1 ends at leaf 10, batch 4 starts at 29: the run record carries the roots of [10, 12), [12, 16), [16, 28), [28, 29).
        byte[] forged = good.clone();
        int bridge = indexOf(forged, range(10, 12).root());
        assertTrue(bridge > 0);
        forged[bridge] ^= 1;
        Report report = verify(forged, key.publicKey());
        assertFalse(report.passed());
        assertTrue(says(report.problems(), "the log was not only appended to between leaf 10 and leaf 29"), report.problems().toString());
        assertEquals(checkpoints.get(4).batchId(), report.problems().get(0).batchId());
    }

    private static int indexOf(byte[] data, byte[] part) {
        for (int i = 0; i + part.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void truncatedWrongMagicOrVersionAndNonBundlesAreOneClearError() throws Exception {
        byte[] whole = whole(w -> { });
        for (int cut : new int[]{3, BinaryBundle.MAGIC.length + 1, 40, whole.length / 2, whole.length - 1}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> verify(Arrays.copyOf(whole, cut)));
            assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("not a"), cut + ": " + e.getMessage());
        }
        InvalidInputException inBatch = assertThrows(InvalidInputException.class, () -> verify(Arrays.copyOf(whole, whole.length / 2)));
        assertTrue(inBatch.getMessage().startsWith("the ledger bundle is truncated: it ends in checkpoint"), inBatch.getMessage());

        byte[] version = whole.clone();
        version[BinaryBundle.MAGIC.length] = 9;
        assertEquals("unsupported ledger bundle version 9: this caracal reads binary version 2 and JSON version 1",
                assertThrows(InvalidInputException.class, () -> verify(version)).getMessage());
        byte[] magic = whole.clone();
        magic[3] = 'X';
        assertTrue(assertThrows(InvalidInputException.class, () -> verify(magic)).getMessage().startsWith("not a readable ledger bundle"));
        byte[] trailing = Arrays.copyOf(whole, whole.length + 1);
        assertTrue(assertThrows(InvalidInputException.class, () -> verify(trailing)).getMessage().contains("bytes follow its END record"));
        assertEquals("not a ledger bundle: the file is empty", assertThrows(InvalidInputException.class, () -> verify(new byte[0])).getMessage());
        assertThrows(InvalidInputException.class, () -> verify("garbage\u0000\u0001".getBytes(StandardCharsets.ISO_8859_1)));
    }
}
