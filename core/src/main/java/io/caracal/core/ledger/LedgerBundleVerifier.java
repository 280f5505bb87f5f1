package io.caracal.core.ledger;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.ledger.LedgerVerifier.CheckpointResult;
import io.caracal.core.ledger.LedgerVerifier.Problem;
import io.caracal.core.ledger.LedgerVerifier.Report;
import io.caracal.core.merkle.InvalidProofException;
import io.caracal.core.merkle.MerkleTree;
import io.caracal.core.merkle.Proofs;
import io.caracal.core.merkle.Rfc6962;
import io.caracal.core.ledger.MerkleLogStore.CheckpointRow;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Verifies a ledger bundle with no database: each checkpoint's signature with a trusted key, its events' leaf hashes
 * recomputed from their fields, the batch's subtrees proven into the signed root, the signed roots proven consistent
 * (append-only) from one checkpoint to the next, and the batches contiguous. It reads the file as a stream, holding
 * one batch's leaf hashes at a time.
 */
public final class LedgerBundleVerifier {
    private LedgerBundleVerifier() {
    }

    /**
     * The outcome, as {@link io.caracal.core.ledger.LedgerVerifier} reports the ledger's. {@code keysFromBundle}: no key was
     * given, so the bundle's own keys were trusted.
     */
    public record Result(String origin, Instant exportedAt, Instant rangeStart, Instant rangeEnd, boolean keysFromBundle,
                         List<String> trustedKeyIds, Report report) {
    }

    /** Reads and verifies the bundle; {@code trusted} empty means: trust the keys in the bundle. A file that is not a bundle is refused. */
    public static Result verify(InputStream in, List<ECPublicKey> trusted) {
        InputStream buffered = in.markSupported() ? in : new BufferedInputStream(in);
        try {
            buffered.mark(BinaryBundle.MAGIC.length);
            byte[] start = buffered.readNBytes(BinaryBundle.MAGIC.length);
            if (start.length == 0) {
                throw new InvalidInputException("not a ledger bundle: the file is empty");
            }
            if (Arrays.equals(start, BinaryBundle.MAGIC)) {
                return BinaryBundleVerifier.verify(buffered, trusted);
            }
            buffered.reset();
        } catch (IOException e) {
            throw new InvalidInputException("cannot read the ledger bundle: " + e.getMessage());
        }
        return verifyJson(buffered, trusted);
    }

    private static Result verifyJson(InputStream in, List<ECPublicKey> trusted) {
        try (JsonParser parser = LedgerBundle.JSON.getFactory().createParser(in)) {
            return new Reading(parser).read(trusted);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("not a readable ledger bundle: malformed or truncated JSON at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + " (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new InvalidInputException("cannot read the ledger bundle: " + e.getMessage());
        }
    }

    /** A batch as read: its fields, its subtrees' roots as recomputed from its events, and what was wrong inside it. */
    private record Batch(CheckpointRow row, String rootHex, List<Subtree> subtrees, List<Problem> problems, long events) {
    }

    private record Subtree(long start, long end, byte[] root, List<byte[]> proof) {
    }

    private static final class Reading {
        private final JsonParser parser;
        private String origin;
        private Instant exportedAt;
        private Instant rangeStart;
        private Instant rangeEnd;
        private final List<NoteKey> bundleKeys = new ArrayList<>();
        private final List<Batch> batches = new ArrayList<>();
        private final Map<String, List<byte[]>> consistency = new HashMap<>();

        Reading(JsonParser parser) {
            this.parser = parser;
        }

        Result read(List<ECPublicKey> trusted) throws IOException {
            if (parser.nextToken() != JsonToken.START_OBJECT || !"format".equals(parser.nextFieldName())
                    || !LedgerBundle.FORMAT.equals(parser.nextTextValue())) {
                throw new InvalidInputException("not a ledger bundle: it does not start with \"format\": \"" + LedgerBundle.FORMAT + "\"");
            }
            if (!"version".equals(parser.nextFieldName()) || parser.nextToken() != JsonToken.VALUE_NUMBER_INT) {
                throw new InvalidInputException("not a ledger bundle: no version after the format");
            }
            if (parser.getLongValue() != LedgerBundle.VERSION) {
                throw new InvalidInputException("unsupported ledger bundle version " + parser.getText() + ": this caracal reads version "
                        + LedgerBundle.VERSION);
            }
            for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
                parser.nextToken();
                switch (field) {
                    case "origin" -> origin = parser.getValueAsString();
                    case "exported_at" -> exportedAt = instant(parser.getValueAsString(), "exported_at");
                    case "range" -> readRange(parser.readValueAsTree());
                    case "public_keys" -> eachElement(node -> bundleKeys.add(new NoteKey(text(node, "name"),
                            PemKeys.readPublic(text(node, "public_key_pem")))));
                    case "checkpoints" -> eachCheckpoint();
                    case "consistency_proofs" -> eachElement(node -> consistency.put(node.path("from_size").asLong() + "-"
                            + node.path("to_size").asLong(), hashes(node.path("proof"))));
                    default -> parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new InvalidInputException("not a ledger bundle: unexpected content after its fields");
            }
            if (origin == null) {
                throw new InvalidInputException("not a ledger bundle: it names no origin");
            }
            List<NoteKey> keys = trusted.isEmpty() ? bundleKeys : trustedKeys(origin, bundleKeys, trusted);
            return new Result(origin, exportedAt, rangeStart, rangeEnd, trusted.isEmpty(),
                    keys.stream().map(NoteKey::keyId).distinct().toList(), judge(keys));
        }

        private void readRange(JsonNode range) {
            if (!range.isNull()) {
                rangeStart = instant(text(range, "start"), "range start");
                rangeEnd = instant(text(range, "end"), "range end");
            }
        }

        private void eachCheckpoint() throws IOException {
            expect(JsonToken.START_ARRAY, "checkpoints");
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                batches.add(readBatch());
            }
        }

        /** One checkpoint, its events streamed: only their leaf hashes are kept until the batch ends. */
        private Batch readBatch() throws IOException {
            Map<String, JsonNode> fields = new HashMap<>();
            List<BundleEvents.Read> events = new ArrayList<>();
            List<JsonNode> proof = new ArrayList<>();
            for (String field = parser.nextFieldName(); field != null; field = parser.nextFieldName()) {
                parser.nextToken();
                switch (field) {
                    case "events" -> eachElement(node -> events.add(BundleEvents.read(node)));
                    case "batch_proof" -> eachElement(proof::add);
                    default -> fields.put(field, parser.readValueAsTree());
                }
            }
            UUID batchId;
            try {
                batchId = UUID.fromString(fields.getOrDefault("batch_id", LedgerBundle.JSON.nullNode()).asText());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("not a ledger bundle: a checkpoint has no valid batch_id");
            }
            long first = fields.getOrDefault("first_leaf", LedgerBundle.JSON.nullNode()).asLong(-1);
            long size = fields.getOrDefault("tree_size", LedgerBundle.JSON.nullNode()).asLong(-1);
            CheckpointRow row = new CheckpointRow(batchId, first, size, null, fields.getOrDefault("key_id", LedgerBundle.JSON.nullNode()).asText(""),
                    fields.getOrDefault("signed_note", LedgerBundle.JSON.nullNode()).asText(""), null);
            List<Problem> problems = new ArrayList<>();
            List<byte[]> leaves = leafHashes(row, events, problems);
            return new Batch(row, fields.getOrDefault("root_hash", LedgerBundle.JSON.nullNode()).asText(""), subtrees(row, leaves, proof, problems),
                    problems, events.size());
        }

        /** The leaf hashes recomputed from the events, each checked to be at its place; an unreadable event gets a hash that matches nothing. */
        private static List<byte[]> leafHashes(CheckpointRow batch, List<BundleEvents.Read> events, List<Problem> problems) {
            List<byte[]> hashes = new ArrayList<>(events.size());
            if (batch.firstLeaf() < 0 || batch.treeSize() <= batch.firstLeaf()) {
                problems.add(new Problem(null, null, batch.batchId(), "the batch's leaves [" + batch.firstLeaf() + ", " + batch.treeSize()
                        + ") are not a range"));
                return hashes;
            }
            if (events.size() != batch.treeSize() - batch.firstLeaf()) {
                problems.add(new Problem(null, null, batch.batchId(), "the batch holds " + events.size() + " events but its checkpoint signed "
                        + (batch.treeSize() - batch.firstLeaf()) + ": events were removed or inserted"));
            }
            for (int i = 0; i < events.size(); i++) {
                BundleEvents.Read event = events.get(i);
                UUID eventId = parseOrNull(event.eventId());
                long expected = batch.firstLeaf() + i;
                if (event.malformed() != null) {
                    problems.add(new Problem(eventId, expected, batch.batchId(), "is unreadable (" + event.malformed() + "): it was changed"));
                    hashes.add(new byte[Rfc6962.HASH_SIZE]);
                    continue;
                }
                if (event.leafIndex() != expected) {
                    problems.add(new Problem(eventId, event.leafIndex(), batch.batchId(), "is at position " + expected
                            + " of the log: events were moved, removed or inserted"));
                } else if (!MessageDigest.isEqual(event.hash(), event.claimedHash())) {
                    problems.add(new Problem(eventId, expected, batch.batchId(), "was changed after it was signed (its fields no longer give its leaf hash)"));
                }
                hashes.add(event.hash());
            }
            return hashes;
        }

        /** The subtrees the proof names, which must tile the batch, each with its root recomputed from the events. */
        private static List<Subtree> subtrees(CheckpointRow batch, List<byte[]> leaves, List<JsonNode> proof, List<Problem> problems) {
            List<Subtree> subtrees = new ArrayList<>();
            long at = batch.firstLeaf();
            for (JsonNode piece : proof) {
                long start = piece.path("start").asLong(-1);
                long end = piece.path("end").asLong(-1);
                if (start != at || end <= start || end > batch.treeSize()) {
                    problems.add(new Problem(null, null, batch.batchId(), "the batch proof does not cover the batch's leaves in order"));
                    return List.of();
                }
                subtrees.add(new Subtree(start, end, leaves.size() == batch.treeSize() - batch.firstLeaf()
                        ? root(leaves.subList((int) (start - batch.firstLeaf()), (int) (end - batch.firstLeaf()))) : null, hashes(piece.path("proof"))));
                at = end;
            }
            if (at != batch.treeSize()) {
                problems.add(new Problem(null, null, batch.batchId(), "the batch proof does not reach the end of the batch"));
            }
            return subtrees;
        }

        private static byte[] root(List<byte[]> leaves) {
            MerkleTree tree = new MerkleTree();
            leaves.forEach(tree::append);
            return tree.root(tree.size());
        }

        /** Checks what needs the keys and every batch: signatures, roots, consistency between checkpoints, contiguity. */
        private Report judge(List<NoteKey> keys) {
            List<CheckpointResult> results = new ArrayList<>();
            List<Problem> problems = new ArrayList<>();
            long checked = 0;
            Batch previous = null;
            byte[] previousRoot = null;
            for (Batch batch : batches) {
                problems.addAll(batch.problems());
                checked += batch.events();
                CheckpointRow row = batch.row();
                String signature;
                byte[] root = null;
                try {
                    SignedNotes.Verified verified = SignedNotes.verify(row.note(), keys);
                    root = verified.checkpoint().root();
                    boolean sameFacts = verified.checkpoint().size() == row.treeSize() && verified.checkpoint().origin().equals(origin)
                            && HexFormat.of().formatHex(root).equals(batch.rootHex()) && verified.key().keyId().equals(row.keyId());
                    signature = sameFacts ? "Valid" : "Invalid (the batch's size, root, origin or key differs from the signed note)";
                } catch (InvalidCheckpointException e) {
                    signature = "Invalid (" + signatureFailure(e.getMessage(), keys == bundleKeys, keys) + ")";
                }
                boolean rootMatches = root != null && batch.problems().isEmpty() && provesRoot(batch, root, problems);
                if (!signature.equals("Valid")) {
                    problems.add(new Problem(null, null, row.batchId(), "checkpoint " + (row.keyId().isEmpty() ? "" : "of key " + row.keyId() + " ")
                            + "is not validly signed by a trusted key: " + signature));
                }
                if (previous != null) {
                    contiguity(previous, batch, problems);
                    consistent(previous, previousRoot, batch, root, problems);
                } else if (rangeStart == null && row.firstLeaf() != 0) {
                    problems.add(new Problem(null, null, row.batchId(), "a full export must start at leaf 0, this batch starts at " + row.firstLeaf()));
                }
                results.add(new CheckpointResult(new CheckpointRow(row.batchId(), row.firstLeaf(), row.treeSize(),
                        root != null ? root : hashes(LedgerBundle.JSON.getNodeFactory().arrayNode().add(batch.rootHex())).get(0), row.keyId(),
                        row.note(), null), signature, rootMatches));
                previous = batch;
                previousRoot = root;
            }
            return new Report(results, problems, checked);
        }

        private static boolean provesRoot(Batch batch, byte[] signedRoot, List<Problem> problems) {
            for (Subtree subtree : batch.subtrees()) {
                try {
                    Proofs.verifySubtreeConsistency(subtree.start(), subtree.end(), batch.row().treeSize(), subtree.root(), signedRoot, subtree.proof());
                } catch (InvalidProofException e) {
                    problems.add(new Problem(null, null, batch.row().batchId(), "leaves " + subtree.start() + " to " + (subtree.end() - 1)
                            + " are not in the signed tree: " + e.getMessage()));
                    return false;
                }
            }
            return !batch.subtrees().isEmpty();
        }

        private void contiguity(Batch previous, Batch batch, List<Problem> problems) {
            long gap = batch.row().firstLeaf() - previous.row().treeSize();
            if (gap < 0 || (gap > 0 && rangeStart == null)) {
                problems.add(new Problem(null, null, batch.row().batchId(), "the batch starts at leaf " + batch.row().firstLeaf()
                        + " but the previous one ends at " + (previous.row().treeSize() - 1) + (gap < 0 ? ": batches overlap" : ": batches are missing")));
            }
        }

        private void consistent(Batch previous, byte[] previousRoot, Batch batch, byte[] root, List<Problem> problems) {
            long from = previous.row().treeSize();
            long to = batch.row().treeSize();
            List<byte[]> proof = consistency.get(from + "-" + to);
            if (proof == null) {
                problems.add(new Problem(null, null, batch.row().batchId(), "no consistency proof from the previous checkpoint (" + from
                        + " leaves) to this one (" + to + " leaves)"));
                return;
            }
            if (previousRoot == null || root == null) {
                return; // an unverified signature is reported already; its root proves nothing
            }
            try {
                Proofs.verifyConsistency(from, to, previousRoot, root, proof);
            } catch (InvalidProofException e) {
                problems.add(new Problem(null, null, batch.row().batchId(), "the log was not only appended to since the previous checkpoint: "
                        + e.getMessage()));
            }
        }

        private interface NodeHandler {
            void accept(JsonNode node) throws IOException;
        }

        /** Streams an array whose elements are read one at a time as small trees. */
        private void eachElement(NodeHandler handler) throws IOException {
            expect(JsonToken.START_ARRAY, parser.currentName());
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken() == null) {
                    throw new InvalidInputException("not a readable ledger bundle: it ends inside an array");
                }
                JsonNode node = parser.readValueAsTree();
                try {
                    handler.accept(node);
                } catch (InvalidInputException e) {
                    throw new InvalidInputException("not a ledger bundle: " + parser.currentName() + " holds an invalid entry (" + e.getMessage() + ")");
                }
            }
        }

        private void expect(JsonToken token, String field) {
            if (parser.currentToken() != token) {
                throw new InvalidInputException("not a ledger bundle: " + field + " is not an array");
            }
        }
    }

    /** A key is a public key under a name; the given keys are trusted under every name the bundle's notes use. */
    static List<NoteKey> trustedKeys(String origin, List<NoteKey> bundleKeys, List<ECPublicKey> trusted) {
        Set<String> names = new LinkedHashSet<>();
        names.add(origin);
        bundleKeys.forEach(k -> names.add(k.name()));
        List<NoteKey> keys = new ArrayList<>();
        for (ECPublicKey key : trusted) {
            names.forEach(name -> keys.add(new NoteKey(name, key)));
        }
        return keys;
    }

    /** Why a note's signature fails, naming the keys trusted when they were given rather than taken from the bundle. */
    static String signatureFailure(String why, boolean keysFromBundle, List<NoteKey> keys) {
        return why + (keysFromBundle ? "" : "; trusted keys: " + String.join(", ", keys.stream().map(NoteKey::keyId).distinct().toList()));
    }

    private static List<byte[]> hashes(JsonNode array) {
        List<byte[]> hashes = new ArrayList<>();
        array.forEach(h -> {
            try {
                hashes.add(HexFormat.of().parseHex(h.asText()));
            } catch (IllegalArgumentException e) {
                hashes.add(new byte[0]); // not a hash: the proof check names it
            }
        });
        return hashes;
    }

    private static String text(JsonNode node, String field) {
        if (!node.path(field).isTextual()) {
            throw new InvalidInputException(field + " is missing");
        }
        return node.path(field).asText();
    }

    private static Instant instant(String text, String what) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidInputException("not a ledger bundle: " + what + " is not an ISO-8601 time");
        }
    }

    private static UUID parseOrNull(String text) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
