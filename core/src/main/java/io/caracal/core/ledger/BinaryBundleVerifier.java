package io.caracal.core.ledger;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.ledger.LedgerBundleVerifier.Result;
import io.caracal.core.ledger.LedgerVerifier.CheckpointResult;
import io.caracal.core.ledger.LedgerVerifier.Problem;
import io.caracal.core.ledger.LedgerVerifier.Report;
import io.caracal.core.ledger.MerkleLogStore.CheckpointRow;
import io.caracal.core.merkle.CompactRange;

import java.io.EOFException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Verifies a binary bundle ({@link BinaryBundle}) as it streams in. Each batch is checked on its own, in parallel on
 * every core: the compact range it carries must fold to the root signed at its first leaf (the previous batch's
 * checkpoint, or the anchor of its run), its events' leaf hashes are recomputed and appended to that range, and the
 * result must be the root its own checkpoint signs. Between runs, the previous batch's range plus the bridging subtree
 * roots must be the next run's range, so the log was only appended to across the gap. A few batches are in memory at
 * once, whatever the bundle's size; the file is trusted for nothing it does not also prove.
 */
final class BinaryBundleVerifier {
    /** Batches decoded and hashed ahead of the one being judged: enough to keep every core busy, few enough to bound memory. */
    private static final int AHEAD = 4 * Runtime.getRuntime().availableProcessors();

    private final BundleBytes.StreamIn in;
    private final List<ECPublicKey> trusted;
    private String origin;
    private Instant exportedAt;
    private Instant rangeStart;
    private Instant rangeEnd;
    private List<NoteKey> bundleKeys;
    private List<NoteKey> keys;
    private String where = "in its header";

    private BinaryBundleVerifier(InputStream in, List<ECPublicKey> trusted) {
        this.in = new BundleBytes.StreamIn(in, BinaryBundle.MAX_TEXT);
        this.trusted = trusted;
    }

    /** Verifies the bundle whose magic bytes {@code in} has just consumed. */
    static Result verify(InputStream in, List<ECPublicKey> trusted) {
        BinaryBundleVerifier verifier = new BinaryBundleVerifier(in, trusted);
        try {
            return verifier.read();
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof EOFException) {
                throw new InvalidInputException("the ledger bundle is truncated: it ends " + verifier.where);
            }
            throw new InvalidInputException("cannot read the ledger bundle: " + e.getCause().getMessage());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("not a readable ledger bundle: " + verifier.where + ", " + e.getMessage());
        }
    }

    /** What a batch's worker found: the events' problems, the signature, the roots its carried range and its leaves give. */
    private record Checked(List<Problem> problems, long events, SignedNotes.Verified signed, String signatureError, byte[] startRoot,
                           CompactRange end) {
    }

    /** A record read, judged in file order once its work is done. */
    private sealed interface Step permits Run, Batch {
    }

    private record Run(long start, List<byte[]> bridge, UUID anchorBatch, String anchorNote) implements Step {
    }

    private record Batch(CheckpointRow row, Future<Checked> checked) implements Step {
    }

    private Result read() {
        int version = in.u8();
        if (version != BinaryBundle.VERSION) {
            throw new InvalidInputException("unsupported ledger bundle version " + version + ": this caracal reads binary version "
                    + BinaryBundle.VERSION + " and JSON version " + LedgerBundle.VERSION);
        }
        origin = in.text();
        exportedAt = instant(in.text());
        int ranged = in.u8();
        if (ranged > 1) {
            throw new IllegalArgumentException("its range flag is " + ranged);
        }
        if (ranged == 1) {
            rangeStart = instant(in.text());
            rangeEnd = instant(in.text());
        }
        int count = in.count(1000);
        bundleKeys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            bundleKeys.add(new NoteKey(in.text(), publicKey(in.bytes())));
        }
        keys = trusted.isEmpty() ? bundleKeys : LedgerBundleVerifier.trustedKeys(origin, bundleKeys, trusted);
        ExecutorService workers = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
            Thread thread = new Thread(r, "bundle-verifier");
            thread.setDaemon(true);
            return thread;
        });
        try {
            return new Result(origin, exportedAt, rangeStart, rangeEnd, trusted.isEmpty(), keys.stream().map(NoteKey::keyId).distinct().toList(),
                    records(workers));
        } finally {
            workers.shutdownNow();
        }
    }

    private Report records(ExecutorService workers) {
        Judge judge = new Judge();
        Deque<Step> pending = new ArrayDeque<>();
        long checkpoints = 0;
        for (int tag = in.u8(); tag != BinaryBundle.END; tag = in.u8()) {
            if (tag == BinaryBundle.RUN) {
                where = "in the run after checkpoint " + checkpoints;
                long start = in.uvarint();
                int pieces = in.count(128);
                List<byte[]> bridge = new ArrayList<>();
                for (int i = 0; i < pieces; i++) {
                    bridge.add(in.fixed(32));
                }
                pending.add(start == 0 ? new Run(0, bridge, null, null) : new Run(start, bridge, in.uuid(), in.text()));
            } else if (tag == BinaryBundle.CHECKPOINT) {
                checkpoints++;
                where = "in checkpoint " + checkpoints;
                UUID batchId = in.uuid();
                where = "in checkpoint " + checkpoints + " (batch " + batchId + ")";
                long first = in.uvarint();
                long size = in.uvarint();
                String keyId = in.text();
                Instant createdAt = instant(in.text());
                String note = in.text();
                byte[] startRange = in.fixed(Long.bitCount(first) * 32);
                byte[] block = in.fixed(in.count(BinaryBundle.MAX_BLOCK));
                CheckpointRow row = new CheckpointRow(batchId, first, size, null, keyId, note, createdAt);
                pending.add(new Batch(row, workers.submit(() -> check(row, startRange, block))));
            } else {
                throw new IllegalArgumentException("an unknown record type " + tag);
            }
            while (pending.size() > AHEAD) {
                judge.step(pending.removeFirst());
            }
        }
        where = "in its END record";
        long declaredCheckpoints = in.uvarint();
        long declaredEvents = in.uvarint();
        if (in.next() != -1) {
            throw new IllegalArgumentException("bytes follow its END record");
        }
        while (!pending.isEmpty()) {
            judge.step(pending.removeFirst());
        }
        if (declaredCheckpoints != checkpoints || declaredEvents != judge.checked) {
            judge.problems.add(new Problem(null, null, null, "the bundle says it holds " + declaredCheckpoints + " checkpoints and " + declaredEvents
                    + " events, but " + checkpoints + " and " + judge.checked + " were read: records were removed or added"));
        }
        return new Report(judge.results, judge.problems, judge.checked);
    }

    /** A batch's own work, on a worker: decode, recompute every leaf hash, fold the carried range, check the signature. */
    private Checked check(CheckpointRow row, byte[] startRange, byte[] block) {
        List<Problem> problems = new ArrayList<>();
        SignedNotes.Verified signed = null;
        String signatureError = null;
        try {
            signed = SignedNotes.verify(row.note(), keys);
        } catch (InvalidCheckpointException e) {
            signatureError = e.getMessage();
        }
        CompactRange range = CompactRange.decode(row.firstLeaf(), startRange);
        byte[] startRoot = range.root();
        long events = 0;
        try {
            List<BundleEventBlock.Event> read = BundleEventBlock.read(block);
            events = read.size();
            for (BundleEventBlock.Event event : read) {
                long leaf = range.size();
                byte[] hash = LedgerLeaf.hash(leaf, event.fields());
                if (!MessageDigest.isEqual(hash, event.leafHash())) {
                    problems.add(new Problem(event.eventId(), leaf, row.batchId(), "does not give the leaf hash it was exported with: it was"
                            + " changed, or events before it were removed, inserted or moved"));
                }
                range.append(hash);
            }
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(null, null, row.batchId(), "its events are unreadable (" + e.getMessage() + "): the bundle was changed"));
            range = null;
        }
        return new Checked(problems, events, signed, signatureError, startRoot, range);
    }

    /** The checks that need the batches in order: contiguity, each carried range against the root signed where it starts, the gaps between runs. */
    private final class Judge {
        private final List<CheckpointResult> results = new ArrayList<>();
        private final List<Problem> problems = new ArrayList<>();
        private long checked;
        private boolean started;
        /** Where the next batch must start, and the root signed there (null when that signature is not valid). */
        private long next = -1;
        private byte[] rootAtNext;
        /** The range at the end of the previous batch, as its leaves give it (null if unreadable). */
        private CompactRange previousEnd;
        /** The run record read since the previous batch, if any. */
        private Run run;

        void step(Step step) {
            if (step instanceof Run r) {
                run(r);
            } else {
                batch((Batch) step);
            }
        }

        private void run(Run r) {
            run = r;
            if (!started && rangeStart == null && r.start() != 0) {
                problems.add(new Problem(null, null, r.anchorBatch(), "a full export must start at leaf 0, this one starts at " + r.start()));
            }
            if (r.start() < next) {
                problems.add(new Problem(null, null, r.anchorBatch(), "a run starts at leaf " + r.start() + " but the previous batch ends at "
                        + (next - 1) + ": batches overlap"));
            }
            next = r.start();
            rootAtNext = CompactRange.empty().root();
            if (r.start() > 0) {
                rootAtNext = null;
                try {
                    Checkpoint anchor = SignedNotes.verify(r.anchorNote(), keys).checkpoint();
                    if (anchor.size() != r.start() || !anchor.origin().equals(origin)) {
                        problems.add(new Problem(null, null, r.anchorBatch(), "the checkpoint anchoring the run at leaf " + r.start() + " signs "
                                + anchor.size() + " leaves of " + anchor.origin()));
                    } else {
                        rootAtNext = anchor.root();
                    }
                } catch (InvalidCheckpointException e) {
                    problems.add(new Problem(null, null, r.anchorBatch(), "the checkpoint anchoring the run at leaf " + r.start()
                            + " is not validly signed by a trusted key: " + LedgerBundleVerifier.signatureFailure(e.getMessage(), keys == bundleKeys, keys)));
                }
            }
        }

        private void batch(Batch batch) {
            CheckpointRow row = batch.row();
            Checked result;
            try {
                result = batch.checked().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while verifying the bundle", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
            }
            if (run == null && !started) {
                throw new InvalidInputException("not a readable ledger bundle: checkpoint " + row.batchId() + " comes before any run record");
            }
            problems.addAll(result.problems());
            checked += result.events();
            boolean placed = placed(row, result);
            String signature = "Valid";
            byte[] root = null;
            if (result.signed() == null) {
                signature = "Invalid (" + LedgerBundleVerifier.signatureFailure(result.signatureError(), keys == bundleKeys, keys) + ")";
            } else if (result.signed().checkpoint().size() != row.treeSize() || !result.signed().checkpoint().origin().equals(origin)) {
                signature = "Invalid (the batch's size or origin differs from the signed note)";
            } else {
                root = result.signed().checkpoint().root();
            }
            if (!signature.equals("Valid")) {
                problems.add(new Problem(null, null, row.batchId(), "checkpoint " + (row.keyId().isEmpty() ? "" : "of key " + row.keyId() + " ")
                        + "is not validly signed by a trusted key: " + signature));
            }
            boolean rootMatches = false;
            if (placed && root != null) {
                rootMatches = MessageDigest.isEqual(result.end().root(), root);
                if (!rootMatches) {
                    problems.add(new Problem(null, null, row.batchId(), "leaves " + row.firstLeaf() + " to " + (row.treeSize() - 1) + " do not give the"
                            + " root its checkpoint signed: an event was changed, removed, inserted or moved"));
                }
            }
            byte[] shown = root != null ? root : result.end() != null ? result.end().root() : new byte[32];
            String keyId = result.signed() != null ? result.signed().key().keyId() : row.keyId();
            results.add(new CheckpointResult(new CheckpointRow(row.batchId(), row.firstLeaf(), row.treeSize(), shown, keyId, row.note(),
                    row.createdAt()), signature, rootMatches));
            started = true;
            run = null;
            next = row.treeSize();
            rootAtNext = root;
            previousEnd = result.end();
        }

        /** Whether the batch's leaves sit where it says, on a range proven to be the signed tree before them. */
        private boolean placed(CheckpointRow row, Checked result) {
            if (row.firstLeaf() != next) {
                problems.add(new Problem(null, null, row.batchId(), "the batch starts at leaf " + row.firstLeaf() + " but the previous one ends at "
                        + (next - 1) + (row.firstLeaf() < next ? ": batches overlap" : ": batches are missing")));
                return false;
            }
            if (result.end() == null || result.end().size() != row.treeSize()) {
                if (result.end() != null) {
                    problems.add(new Problem(null, null, row.batchId(), "the batch holds " + result.events() + " events but its checkpoint signed "
                            + (row.treeSize() - row.firstLeaf()) + ": events were removed or inserted"));
                }
                return false;
            }
            if (rootAtNext != null && !MessageDigest.isEqual(result.startRoot(), rootAtNext)) {
                problems.add(new Problem(null, null, row.batchId(), "the compact range it carries for leaves 0 to " + (row.firstLeaf() - 1)
                        + " does not fold to the root signed at " + row.firstLeaf() + " leaves: it was tampered with"));
                return false;
            }
            return bridged(row);
        }

        /** For the first batch of a run after another: the previous batch's range plus the run's bridge must be this batch's start. */
        private boolean bridged(CheckpointRow row) {
            if (run == null || !started || previousEnd == null) {
                return true;
            }
            List<long[]> pieces = BinaryBundle.bridge(previousEnd.size(), row.firstLeaf());
            boolean consistent = pieces.size() == run.bridge().size();
            CompactRange bridged = CompactRange.decode(previousEnd.size(), previousEnd.encoded());
            for (int i = 0; consistent && i < pieces.size(); i++) {
                bridged.appendSubtree(run.bridge().get(i), (int) pieces.get(i)[1]);
            }
            if (!consistent || rootAtNext == null || !MessageDigest.isEqual(bridged.root(), rootAtNext)) {
                problems.add(new Problem(null, null, row.batchId(), "the log was not only appended to between leaf " + previousEnd.size() + " and leaf "
                        + row.firstLeaf() + ": the bridge between the two runs does not lead to the root signed at " + row.firstLeaf() + " leaves"));
                return false;
            }
            return true;
        }
    }

    private static ECPublicKey publicKey(byte[] der) {
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("a public key in it is not an EC public key");
        }
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not an ISO-8601 time");
        }
    }
}
