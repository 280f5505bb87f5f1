package io.caracal.core.ledger;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.merkle.ProofBuilder;
import io.caracal.core.ledger.MerkleLogStore.CheckpointRow;
import io.caracal.core.ledger.MerkleLogStore.Leaf;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * Writes a ledger bundle: binary ({@link BinaryBundle}, the default) or JSON for people ({@link LedgerBundle}: each
 * batch with its events and the proofs that tie them to its signed root). Both are streamed batch by batch, their
 * memory bounded whatever the ledger's size: the JSON proofs are built from the log's stored interior nodes, O(log n)
 * rows each, not from a tree of every leaf hash held in memory.
 */
public final class LedgerBundleWriter {
    private static final int EVENTS_PER_READ = 5_000;

    private final MerkleLogStore store;

    public LedgerBundleWriter(MerkleLogStore store) {
        this.store = store;
    }

    /** What an export wrote; {@code unsigned} events are under no checkpoint yet and were left out. */
    public record Summary(int checkpoints, long events, long unsigned, List<String> keyIds) {
    }

    /** The encodings of a bundle; {@code ledger verify --bundle} tells them apart by their first bytes. */
    public enum Format {
        BINARY, JSON
    }

    /** Every checkpointed batch, or with a range [{@code start}, {@code end}) only the batches holding an event that occurred in it. */
    public Summary write(OutputStream target, Format format, String origin, Instant exportedAt, Instant start, Instant end) throws IOException {
        List<CheckpointRow> all = store.checkpoints();
        List<CheckpointRow> included = all;
        if (start != null) {
            List<Long> indexes = store.leafIndexesBetween(start, end);
            included = all.stream().filter(c -> LedgerVerifier.coversAny(c, indexes)).toList();
        }
        List<NoteKey> keys = store.keys();
        long events = format == Format.BINARY ? new BinaryBundleWriter(store, target).write(origin, exportedAt, start, end, all, included, keys)
                : writeJson(target, origin, exportedAt, start, end, included, keys);
        long signed = all.isEmpty() ? 0 : all.get(all.size() - 1).treeSize();
        return new Summary(included.size(), events, store.unsignedEvents(signed), keys.stream().map(NoteKey::keyId).toList());
    }

    private long writeJson(OutputStream target, String origin, Instant exportedAt, Instant start, Instant end, List<CheckpointRow> included,
                           List<NoteKey> keys) throws IOException {
        long events = 0;
        try (JsonGenerator out = LedgerBundle.JSON.getFactory().createGenerator(target, JsonEncoding.UTF8)) {
            out.useDefaultPrettyPrinter();
            out.writeStartObject();
            out.writeStringField("format", LedgerBundle.FORMAT);
            out.writeNumberField("version", LedgerBundle.VERSION);
            out.writeStringField("origin", origin);
            out.writeStringField("exported_at", exportedAt.toString());
            if (start == null) {
                out.writeNullField("range");
            } else {
                out.writeObjectFieldStart("range");
                out.writeStringField("start", start.toString());
                out.writeStringField("end", end.toString());
                out.writeEndObject();
            }
            out.writeArrayFieldStart("public_keys");
            for (NoteKey key : keys) {
                out.writeStartObject();
                out.writeStringField("key_id", key.keyId());
                out.writeStringField("name", key.name());
                out.writeStringField("public_key_pem", PemKeys.publicPem(key.publicKey()));
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeArrayFieldStart("checkpoints");
            for (CheckpointRow checkpoint : included) {
                events += writeCheckpoint(out, checkpoint);
            }
            out.writeEndArray();
            out.writeArrayFieldStart("consistency_proofs");
            for (int i = 1; i < included.size(); i++) {
                long from = included.get(i - 1).treeSize();
                long to = included.get(i).treeSize();
                out.writeStartObject();
                out.writeNumberField("from_size", from);
                out.writeNumberField("to_size", to);
                hashes(out, "proof", proof(builder -> builder.consistencyProof(from, to)));
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        }
        return events;
    }

    private long writeCheckpoint(JsonGenerator out, CheckpointRow checkpoint) throws IOException {
        out.writeStartObject();
        out.writeStringField("batch_id", checkpoint.batchId().toString());
        out.writeNumberField("first_leaf", checkpoint.firstLeaf());
        out.writeNumberField("tree_size", checkpoint.treeSize());
        out.writeStringField("root_hash", HexFormat.of().formatHex(checkpoint.root()));
        out.writeStringField("key_id", checkpoint.keyId());
        out.writeStringField("created_at", checkpoint.createdAt().toString());
        out.writeStringField("signed_note", checkpoint.note());
        out.writeArrayFieldStart("events");
        for (long from = checkpoint.firstLeaf(); from < checkpoint.treeSize(); from += EVENTS_PER_READ) {
            for (Leaf leaf : store.leaves(from, Math.min(from + EVENTS_PER_READ, checkpoint.treeSize()))) {
                if (leaf.event() == null) {
                    throw new InvalidInputException("ledger event " + leaf.eventId() + " (leaf " + leaf.index() + ") is missing from the ledger:"
                            + " run `caracal merkle verify-batch --batch-id " + checkpoint.batchId() + "`");
                }
                BundleEvents.write(out, leaf.index(), leaf.event(), leaf.storedHash());
            }
        }
        out.writeEndArray();
        out.writeArrayFieldStart("batch_proof");
        for (long[] piece : LedgerBundle.subtrees(checkpoint.firstLeaf(), checkpoint.treeSize())) {
            out.writeStartObject();
            out.writeNumberField("start", piece[0]);
            out.writeNumberField("end", piece[1]);
            hashes(out, "proof", proof(builder -> builder.subtreeConsistencyProof(piece[0], piece[1], checkpoint.treeSize())));
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
        return checkpoint.treeSize() - checkpoint.firstLeaf();
    }

    /** One proof, from the stored nodes it needs, read for it alone: what the export holds does not grow with the log. */
    private List<byte[]> proof(Function<ProofBuilder, List<byte[]>> build) {
        return store.nodes().read(tree -> build.apply(new ProofBuilder(tree)));
    }

    private static void hashes(JsonGenerator out, String field, List<byte[]> hashes) throws IOException {
        out.writeArrayFieldStart(field);
        for (byte[] hash : hashes) {
            out.writeString(HexFormat.of().formatHex(hash));
        }
        out.writeEndArray();
    }
}
