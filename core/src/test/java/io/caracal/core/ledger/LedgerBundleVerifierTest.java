package io.caracal.core.ledger;

import com.fasterxml.jackson.core.JsonGenerator;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.merkle.MerkleTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundle verifier as pure code: bundles built in memory, batches cut off powers of two, no database, no Micronaut. */
class LedgerBundleVerifierTest {
    private static final String ORIGIN = "test-ledger";

    @Test
    void batchesAreTiledByAlignedSubtrees() throws Exception {
        for (long start = 0; start < 70; start++) {
            for (long end = start + 1; end < 140; end++) {
                long at = start;
                for (long[] piece : LedgerBundle.subtrees(start, end)) {
                    assertEquals(at, piece[0]);
                    assertTrue(piece[1] > piece[0] && piece[1] <= end);
                    MerkleTree tree = new MerkleTree();
                    for (int i = 0; i < end; i++) {
                        tree.append(new byte[32]);
                    }
                    tree.subtreeRoot(piece[0], piece[1]); // throws unless the piece is an aligned subtree
                    at = piece[1];
                }
                assertEquals(end, at);
            }
        }
    }

    /** A bundle over {@code cuts.length - 1} batches [cuts[i], cuts[i+1]), signed by {@code key}, consistency proofs optional. */
    private static String bundle(PemKeys.SigningKey key, long[] cuts, boolean consistency, int changedLeaf) throws Exception {
        NoteKey noteKey = new NoteKey(ORIGIN, key.publicKey());
        long size = cuts[cuts.length - 1];
        MerkleTree tree = new MerkleTree();
        LedgerRow[] rows = new LedgerRow[(int) size];
        for (int i = 0; i < size; i++) {
            rows[i] = new LedgerRow(UUID.randomUUID(), UUID.randomUUID(), null, new BigDecimal(i + ".000000001"), "EUR",
                    Instant.parse("2026-01-01T00:00:00.000001Z").plusSeconds(i), Instant.parse("2026-01-02T00:00:00Z"), "tool:" + i,
                    Map.of("k", "v" + i), Map.of(UUID.randomUUID(), new BigDecimal("0.5")));
            tree.append(LedgerLeaf.hash(i, rows[i]));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = LedgerBundle.JSON.getFactory().createGenerator(bytes)) {
            out.writeStartObject();
            out.writeStringField("format", LedgerBundle.FORMAT);
            out.writeNumberField("version", LedgerBundle.VERSION);
            out.writeStringField("origin", ORIGIN);
            out.writeArrayFieldStart("public_keys");
            out.writeStartObject();
            out.writeStringField("key_id", noteKey.keyId());
            out.writeStringField("name", ORIGIN);
            out.writeStringField("public_key_pem", PemKeys.publicPem(key.publicKey()));
            out.writeEndObject();
            out.writeEndArray();
            out.writeArrayFieldStart("checkpoints");
            for (int b = 0; b + 1 < cuts.length; b++) {
                long first = cuts[b];
                long end = cuts[b + 1];
                byte[] root = tree.root(end);
                out.writeStartObject();
                out.writeStringField("batch_id", UUID.randomUUID().toString());
                out.writeNumberField("first_leaf", first);
                out.writeNumberField("tree_size", end);
                out.writeStringField("root_hash", HexFormat.of().formatHex(root));
                out.writeStringField("key_id", noteKey.keyId());
                out.writeStringField("signed_note", SignedNotes.sign(new Checkpoint(ORIGIN, end, root), noteKey, key.privateKey()));
                out.writeArrayFieldStart("events");
                for (long i = first; i < end; i++) {
                    LedgerRow row = rows[(int) i];
                    if (i == changedLeaf) {
                        row = new LedgerRow(row.eventId(), row.agentId(), null, row.amount().add(BigDecimal.ONE), row.currency(), row.occurredAt(),
                                row.recordedAt(), row.resource(), row.metadata(), row.lines());
                    }
                    BundleEvents.write(out, i, row, LedgerLeaf.hash(i, rows[(int) i]));
                }
                out.writeEndArray();
                out.writeArrayFieldStart("batch_proof");
                for (long[] piece : LedgerBundle.subtrees(first, end)) {
                    out.writeStartObject();
                    out.writeNumberField("start", piece[0]);
                    out.writeNumberField("end", piece[1]);
                    out.writeArrayFieldStart("proof");
                    for (byte[] hash : tree.subtreeConsistencyProof(piece[0], piece[1], end)) {
                        out.writeString(HexFormat.of().formatHex(hash));
                    }
                    out.writeEndArray();
                    out.writeEndObject();
                }
                out.writeEndArray();
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeArrayFieldStart("consistency_proofs");
            for (int b = 2; consistency && b < cuts.length; b++) {
                out.writeStartObject();
                out.writeNumberField("from_size", cuts[b - 1]);
                out.writeNumberField("to_size", cuts[b]);
                out.writeArrayFieldStart("proof");
                for (byte[] hash : tree.consistencyProof(cuts[b - 1], cuts[b])) {
                    out.writeString(HexFormat.of().formatHex(hash));
                }
                out.writeEndArray();
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static LedgerBundleVerifier.Result verify(String bundle, List<java.security.interfaces.ECPublicKey> keys) {
        return LedgerBundleVerifier.verify(new ByteArrayInputStream(bundle.getBytes(StandardCharsets.UTF_8)), keys);
    }

    @Test
    void unalignedBatchesVerifyAndATamperedEventIsNamed(@TempDir Path dir) throws Exception {
        PemKeys.SigningKey key = PemKeys.generate(dir.resolve("k.pem"));
        long[] cuts = {0, 3, 10, 11, 29};
        LedgerBundleVerifier.Result good = verify(bundle(key, cuts, true, -1), List.of(key.publicKey()));
        assertTrue(good.report().passed(), good.report().toString());
        assertEquals(29, good.report().eventsChecked());
        assertFalse(good.keysFromBundle());

        LedgerVerifier.Report changed = verify(bundle(key, cuts, true, 12), List.of(key.publicKey())).report();
        assertFalse(changed.passed());
        assertEquals(12L, changed.problems().get(0).leafIndex(), changed.problems().toString());
        assertEquals(changed.checkpoints().get(3).checkpoint().batchId(), changed.problems().get(0).batchId());
        assertFalse(changed.checkpoints().get(3).rootMatches());
    }

    @Test
    void consistencyProofsAndTrustedKeysAreRequired(@TempDir Path dir) throws Exception {
        PemKeys.SigningKey key = PemKeys.generate(dir.resolve("k.pem"));
        PemKeys.SigningKey other = PemKeys.generate(dir.resolve("other.pem"));
        long[] cuts = {0, 5, 13};
        LedgerVerifier.Report noProof = verify(bundle(key, cuts, false, -1), List.of()).report();
        assertFalse(noProof.passed());
        assertTrue(noProof.problems().get(0).what().contains("no consistency proof"), noProof.problems().toString());

        LedgerVerifier.Report untrusted = verify(bundle(key, cuts, true, -1), List.of(other.publicKey())).report();
        assertFalse(untrusted.passed());
        assertEquals(2, untrusted.problems().size(), untrusted.problems().toString());
        assertTrue(untrusted.checkpoints().get(0).signature().startsWith("Invalid (signed by no known key"));
    }

    @Test
    void anEmptyLedgerVerifiesAndNonBundlesAreRefused(@TempDir Path dir) throws Exception {
        PemKeys.SigningKey key = PemKeys.generate(dir.resolve("k.pem"));
        String empty = bundle(key, new long[]{0}, true, -1);
        assertTrue(verify(empty, List.of()).report().passed());
        assertThrows(InvalidInputException.class, () -> verify(empty.substring(0, empty.length() - 3), List.of()));
        assertThrows(InvalidInputException.class, () -> verify(empty.replace("\"version\":1", "\"version\":9"), List.of()));
        assertThrows(InvalidInputException.class, () -> verify("{\"version\":1,\"format\":\"caracal-ledger-bundle\"}", List.of()));
    }
}
