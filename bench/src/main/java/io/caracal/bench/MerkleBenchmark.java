package io.caracal.bench;

import io.caracal.core.ledger.LedgerBundleVerifier;
import io.caracal.core.ledger.LedgerBundleWriter;
import io.caracal.core.ledger.Checkpoint;
import io.caracal.core.ledger.NoteKey;
import io.caracal.core.ledger.NoteSigner;
import io.caracal.core.ledger.SignedNotes;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.ledger.LedgerLeaf;
import io.caracal.core.ledger.LedgerProofs;
import io.caracal.core.ledger.LedgerRow;
import io.caracal.core.ledger.LedgerVerifier;
import io.caracal.core.ledger.MerkleLog;
import io.caracal.core.merkle.CompactRange;
import io.caracal.core.merkle.MerkleTree;
import io.caracal.core.merkle.ProofBuilder;
import io.caracal.core.merkle.Proofs;
import io.caracal.core.store.Database;
import io.caracal.core.ledger.MerkleLogStore;
import io.caracal.core.store.SchemaMigrator;
import io.caracal.embedded.EmbeddedPostgresServer;
import org.postgresql.PGConnection;

import javax.sql.DataSource;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;

/**
 * The verifiable ledger's costs beside their floors on the same machine in the same run: building and signing a
 * 1,000-event checkpoint (from scratch as issue 6 measured it, and as MerkleLog does it now: from the compact range
 * stored with the previous checkpoint), one ECDSA P-256 signature and verification by NoteSigner (Bouncy Castle) and
 * by Java's SunEC, 1,000 leaf hashes, inclusion proofs in a 1,000,000-leaf tree, then, over that many ledger events
 * with one budget line each in PostgreSQL: integration, verify-range beside a binary COPY of the tables it reads, read and
 * dropped, verify-event, prove-inclusion and prove-consistency (from every leaf hash and from the stored nodes),
 * export and the offline bundle check. bench/run-merkle-bench.sh runs `openssl speed sha256` and
 * `openssl speed ecdsap256` first, the hashing and signing floors.
 * Usage: bench/run-merkle-bench.sh [events, default 1000000]
 */
public final class MerkleBenchmark {
    /** CPU time of the thread that runs a measure: on a busy machine its wall time mostly measures the load. */
    private static final java.lang.management.ThreadMXBean THREAD = java.lang.management.ManagementFactory.getThreadMXBean();

    private MerkleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path dir = Files.createTempDirectory("merkle-bench");
        PemKeys.SigningKey key = PemKeys.generate(dir.resolve("key.pem"));
        NoteKey noteKey = new NoteKey("caracal-bench", key.publicKey());
        Random random = new Random(6962);
        UUID agent = UUID.randomUUID();
        Instant at = Instant.parse("2026-11-20T00:00:00Z");

        List<LedgerRow> thousand = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            thousand.add(row(agent, at, i, random));
        }
        int leafBytes = LedgerLeaf.encode(0, thousand.get(0)).length;
        int rounds = 500;
        long start = System.nanoTime();
        long cpuStart;
        for (int r = 0; r < 2 * rounds; r++) {
            if (r == rounds) {
                start = System.nanoTime(); // the first half warms the JIT up for every measure below
            }
            MerkleTree tree = new MerkleTree();
            for (int i = 0; i < thousand.size(); i++) {
                tree.append(LedgerLeaf.hash(i, thousand.get(i)));
            }
            SignedNotes.sign(new Checkpoint("caracal-bench", 1000, tree.root(1000)), noteKey, key.privateKey());
        }
        report("encode + hash 1,000 events, tree, sign (the issue 6 measure)", (System.nanoTime() - start) / 1e6 / rounds, "ms");

        byte[][] leafHashes = new byte[1000][];
        start = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < thousand.size(); i++) {
                leafHashes[i] = LedgerLeaf.hash(1_000_000 + i, thousand.get(i));
            }
        }
        report("encode + hash 1,000 events as leaves (done as they are integrated)", (System.nanoTime() - start) / 1e6 / rounds, "ms");

        // What MerkleLog does per checkpoint: resume from the range stored with the previous checkpoint (here of a
        // 1,000,000-leaf log), append the batch's leaf hashes, fold the root, sign, encode the new range to store.
        CompactRange previous = CompactRange.empty();
        byte[] filler = new byte[32];
        for (int i = 0; i < 1_000_000; i++) {
            random.nextBytes(filler);
            previous.append(filler.clone());
        }
        byte[] stored = previous.encoded();
        start = System.nanoTime();
        cpuStart = THREAD.getCurrentThreadCpuTime();
        for (int r = 0; r < rounds; r++) {
            CompactRange range = CompactRange.decode(1_000_000, stored);
            for (byte[] hash : leafHashes) {
                range.append(hash);
            }
            SignedNotes.sign(new Checkpoint("caracal-bench", range.size(), range.root()), noteKey, key.privateKey());
            range.encoded();
        }
        report("build + sign a 1,000-event checkpoint at 1M from the stored compact range", (System.nanoTime() - start) / 1e6 / rounds, "ms");
        report("  CPU of this thread", (THREAD.getCurrentThreadCpuTime() - cpuStart) / 1e6 / rounds, "ms");

        byte[] body = new Checkpoint("caracal-bench", 1_001_000, leafHashes[0]).body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] sunEcSignature = null;
        start = System.nanoTime();
        cpuStart = THREAD.getCurrentThreadCpuTime();
        for (int r = 0; r < rounds; r++) {
            java.security.Signature ecdsa = java.security.Signature.getInstance("SHA256withECDSA", "SunEC");
            ecdsa.initSign(key.privateKey());
            ecdsa.update(body);
            sunEcSignature = ecdsa.sign();
        }
        report("one ECDSA P-256 signature, Java's SunEC (what signed notes before)", (System.nanoTime() - start) / 1e6 / rounds, "ms");
        report("  CPU of this thread", (THREAD.getCurrentThreadCpuTime() - cpuStart) / 1e6 / rounds, "ms");
        byte[] bcSignature = null;
        for (int r = 0; r < 2 * rounds; r++) {
            if (r == rounds) {
                start = System.nanoTime();
                cpuStart = THREAD.getCurrentThreadCpuTime();
            }
            bcSignature = NoteSigner.sign(key.privateKey(), body);
        }
        report("one ECDSA P-256 signature, Bouncy Castle custom curve, RFC 6979 (NoteSigner)", (System.nanoTime() - start) / 1e6 / rounds, "ms");
        report("  CPU of this thread", (THREAD.getCurrentThreadCpuTime() - cpuStart) / 1e6 / rounds, "ms");
        start = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            java.security.Signature ecdsa = java.security.Signature.getInstance("SHA256withECDSA", "SunEC");
            ecdsa.initVerify(key.publicKey());
            ecdsa.update(body);
            check(ecdsa.verify(bcSignature));
        }
        report("one ECDSA P-256 verification, Java's SunEC", (System.nanoTime() - start) / 1e6 / rounds, "ms");
        for (int r = 0; r < 2 * rounds; r++) {
            if (r == rounds) {
                start = System.nanoTime();
            }
            check(NoteSigner.verify(key.publicKey(), body, sunEcSignature));
        }
        report("one ECDSA P-256 verification, Bouncy Castle (NoteSigner)", (System.nanoTime() - start) / 1e6 / rounds, "ms");

        MessageDigest leafSha = MessageDigest.getInstance("SHA-256");
        byte[] leafInput = new byte[leafBytes + 1];
        start = System.nanoTime();
        cpuStart = THREAD.getCurrentThreadCpuTime();
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < 1000; i++) {
                leafSha.update(leafInput);
                leafSha.digest();
            }
        }
        report("floor: 1,000 SHA-256 of one leaf's input (" + (leafBytes + 1) + " bytes), Java", (System.nanoTime() - start) / 1e6 / rounds, "ms");
        report("  CPU of this thread", (THREAD.getCurrentThreadCpuTime() - cpuStart) / 1e6 / rounds, "ms");

        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[leafBytes + 1];
        start = System.nanoTime();
        for (int i = 0; i < 1_000_000; i++) {
            sha.update(block);
            sha.digest();
        }
        double javaSha = (System.nanoTime() - start) / 1e9;
        report("Java SHA-256 of 1,000,000 x " + (leafBytes + 1) + " bytes (one leaf's input)", javaSha, "s");

        MerkleTree big = new MerkleTree();
        byte[] leaf = new byte[32];
        for (int i = 0; i < 1_000_000; i++) {
            random.nextBytes(leaf);
            big.append(leaf.clone());
        }
        byte[] root = big.root(1_000_000);
        int proofs = 10_000;
        List<long[]> picks = new ArrayList<>();
        for (int i = 0; i < proofs; i++) {
            picks.add(new long[]{random.nextInt(1_000_000)});
        }
        start = System.nanoTime();
        List<List<byte[]>> made = new ArrayList<>();
        for (long[] p : picks) {
            made.add(big.inclusionProof(p[0], 1_000_000));
        }
        report("inclusion proof, generate (1M-leaf tree)", (System.nanoTime() - start) / 1e3 / proofs, "us");
        start = System.nanoTime();
        for (int i = 0; i < proofs; i++) {
            long index = picks.get(i)[0];
            Proofs.verifyInclusion(index, 1_000_000, leafAt(big, index), made.get(i), root);
        }
        report("inclusion proof, verify (1M-leaf tree)", (System.nanoTime() - start) / 1e3 / proofs, "us");

        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startTemporary()) {
            postgres.createDatabase("bench");
            com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource();
            pool.setJdbcUrl(postgres.jdbcUrl("bench"));
            pool.setUsername(EmbeddedPostgresServer.USER);
            pool.setMaximumPoolSize(2);
            new SchemaMigrator(pool).migrate();
            fill(pool, agent, events, random);
            MerkleLogStore store = new MerkleLogStore(new Database(pool), Clock.systemUTC());
            ProcessTreeCpu cpuClock = new ProcessTreeCpu(URI.create(postgres.jdbcUrl("bench").substring("jdbc:".length())).getPort());
            double cpu = integrate(store, key, cpuClock, run -> "integrate " + run.appended() + " events, sign " + run.signed() + " checkpoints", "integrate");
            start = System.nanoTime();
            LedgerVerifier.Report result = new LedgerVerifier(store).verifyRange(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"));
            double verify = (System.nanoTime() - start) / 1e9;
            report("verify-range over " + result.eventsChecked() + " events (" + result.checkpoints().size() + " checkpoints, passed="
                    + result.passed() + ")", verify, "s");
            cpu = cpu(cpuClock, "verify-range", cpu);
            // Once more: the first call above also paid for compiling its code, as a CLI run does; this one is the steady state.
            start = System.nanoTime();
            result = new LedgerVerifier(store).verifyRange(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"));
            report("verify-range again, its code compiled (passed=" + result.passed() + ")", (System.nanoTime() - start) / 1e9, "s");
            cpu = cpu(cpuClock, "verify-range again", cpu);
            start = System.nanoTime();
            long copied;
            try (Connection c = pool.getConnection()) {
                // What verify-range reads: each of the three tables by one plain binary COPY, with nothing decoded.
                copied = 0;
                for (String table : List.of("SELECT leaf_index, event_id, leaf_hash FROM merkle_leaves", "SELECT event_id, policy_id, amount FROM ledger_event_lines",
                        "SELECT event_id, agent_id, hold_id, amount, currency, occurred_at, recorded_at, resource, metadata FROM ledger_events")) {
                    copied += c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + table + ") TO STDOUT (FORMAT binary)", OutputStream.nullOutputStream());
                }
            }
            report("floor: the rows verify-range reads, one binary COPY per table read and dropped (" + copied + " rows)", (System.nanoTime() - start) / 1e9, "s");
            cpu(cpuClock, "the COPY floor", cpu);
            LedgerVerifier verifier = new LedgerVerifier(store);
            UUID lastEvent = store.leaves(events - 1, events).get(0).eventId();
            verifier.verifyEvent(lastEvent); // the first call pays for class loading and the key's parsing
            int lookups = 20;
            List<UUID> picked = new ArrayList<>();
            for (int i = 0; i < lookups; i++) {
                long index = (long) i * (events / lookups);
                picked.add(store.leaves(index, index + 1).get(0).eventId());
            }
            cpu = cpuClock.seconds();
            start = System.nanoTime();
            LedgerVerifier.Report one = null;
            for (UUID eventId : picked) {
                one = verifier.verifyEvent(eventId).orElseThrow();
            }
            report("verify-event on the " + events + "-event log (mean of " + lookups + ", " + one.eventsChecked() + " events recomputed, passed="
                    + one.passed() + ")", (System.nanoTime() - start) / 1e6 / lookups, "ms");
            report("  CPU of one verify-event, this JVM and PostgreSQL", (cpuClock.seconds() - cpu) * 1e3 / lookups, "ms");

            proofs(pool, store, picked);

            // An installation from before V15: the log's nodes gone (as a superuser can, triggers off), then filled in once
            // by the integrator's next run, which appends nothing here.
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                st.execute("SET session_replication_role = replica");
                st.execute("DELETE FROM merkle_nodes");
            }
            start = System.nanoTime();
            new MerkleLog(store, "caracal-bench", key, 1000, Duration.ofMinutes(5)).integrate();
            double fill = (System.nanoTime() - start) / 1e9;
            try (Connection c = pool.getConnection(); Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT count(*) FROM merkle_nodes")) {
                rs.next();
                report("fill in the nodes of a log from before V15, " + events + " leaves (" + rs.getLong(1) + " nodes written)", fill, "s");
            }

            // The auditor's path: the whole signed ledger as one bundle, then checked offline with the public key only.
            Path bundle = Files.createTempFile("caracal-bench-bundle", ".json");
            start = System.nanoTime();
            LedgerBundleWriter.Summary written;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(bundle))) {
                written = new LedgerBundleWriter(store).write(out, LedgerBundleWriter.Format.JSON, "caracal-bench", Instant.now(), null, null);
            }
            report("ledger export of " + written.events() + " events (" + Files.size(bundle) / 1_000_000 + " MB bundle)",
                    (System.nanoTime() - start) / 1e9, "s");
            start = System.nanoTime();
            LedgerBundleVerifier.Result offline;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(bundle))) {
                offline = LedgerBundleVerifier.verify(in, List.of(key.publicKey()));
            }
            report("ledger verify --bundle, offline, over " + offline.report().eventsChecked() + " events (passed=" + offline.report().passed() + ")",
                    (System.nanoTime() - start) / 1e9, "s");
            Files.delete(bundle);

            // Integration once the ledger is large: a run's cost should be its own events', not the ledger's.
            int more = 50_000;
            fill(pool, UUID.randomUUID(), more, random);
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                // What autovacuum does within a minute on a live ledger (autosummarize, migration V17); this run is quicker.
                st.execute("SELECT brin_summarize_new_values('ledger_events_written_by_idx')");
            }
            integrate(store, key, cpuClock, run -> "integrate " + run.appended() + " more events on the " + events + "-event log", "integrating them");
            pool.close();
        }
    }

    /**
     * prove-inclusion and prove-consistency against the latest checkpoint: the proof built as before issue 18's stored
     * nodes (the tree of every stored leaf hash) beside the proof built from the stored nodes, and LedgerProofs end to end
     * (the checkpoint's signature, the event, the proof, its verification against the signed root).
     */
    private static void proofs(DataSource pool, MerkleLogStore store, List<UUID> events) throws SQLException {
        List<MerkleLogStore.CheckpointRow> checkpoints = store.checkpoints();
        MerkleLogStore.CheckpointRow latest = checkpoints.get(checkpoints.size() - 1);
        long size = latest.treeSize();
        List<Long> leaves = events.stream().map(e -> store.leafIndex(e).orElseThrow()).toList();
        List<MerkleLogStore.CheckpointRow> earlier = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            earlier.add(checkpoints.get(i * (checkpoints.size() - 1) / events.size()));
        }
        LedgerProofs proofs = new LedgerProofs(store);
        proofs.inclusion(events.get(0), null); // class loading and the key's parsing, paid once
        int rebuilds = 3;
        long start = System.nanoTime();
        for (int i = 0; i < rebuilds; i++) {
            wholeTree(pool, size).inclusionProof(leaves.get(i), size);
        }
        report("prove-inclusion before: the tree of all " + size + " leaf hashes (mean of " + rebuilds + ", " + size + " rows read)",
                (System.nanoTime() - start) / 1e6 / rebuilds, "ms");
        long[] rows = {0};
        start = System.nanoTime();
        for (long leaf : leaves) {
            rows[0] += store.nodes().read(tree -> {
                new ProofBuilder(tree).inclusionProof(leaf, size);
                return tree.rowsRead();
            });
        }
        report("prove-inclusion after: from stored nodes (mean of " + leaves.size() + ", " + rows[0] / leaves.size() + " rows read)",
                (System.nanoTime() - start) / 1e6 / leaves.size(), "ms");
        start = System.nanoTime();
        for (UUID event : events) {
            proofs.inclusion(event, null);
        }
        report("LedgerProofs.inclusion end to end (mean of " + events.size() + ")", (System.nanoTime() - start) / 1e6 / events.size(), "ms");

        start = System.nanoTime();
        for (int i = 0; i < rebuilds; i++) {
            wholeTree(pool, size).consistencyProof(earlier.get(i + 1).treeSize(), size);
        }
        report("prove-consistency before: the tree of all " + size + " leaf hashes (mean of " + rebuilds + ", " + size + " rows read)",
                (System.nanoTime() - start) / 1e6 / rebuilds, "ms");
        rows[0] = 0;
        start = System.nanoTime();
        for (MerkleLogStore.CheckpointRow from : earlier) {
            rows[0] += store.nodes().read(tree -> {
                new ProofBuilder(tree).consistencyProof(from.treeSize(), size);
                return tree.rowsRead();
            });
        }
        report("prove-consistency after: from stored nodes (mean of " + earlier.size() + ", " + rows[0] / earlier.size() + " rows read)",
                (System.nanoTime() - start) / 1e6 / earlier.size(), "ms");
        start = System.nanoTime();
        for (MerkleLogStore.CheckpointRow from : earlier) {
            proofs.consistency(from.batchId(), latest.batchId());
        }
        report("LedgerProofs.consistency end to end (mean of " + earlier.size() + ")", (System.nanoTime() - start) / 1e6 / earlier.size(), "ms");
    }

    /** The leaf hash at {@code index}: its one-leaf subtree root. */
    private static byte[] leafAt(MerkleTree tree, long index) {
        return tree.subtreeRoot(index, index + 1);
    }

    private static LedgerRow row(UUID agent, Instant at, int i, Random random) {
        return new LedgerRow(UUID.randomUUID(), agent, null, BigDecimal.valueOf(random.nextInt(1_000_000_000), 9), "USD", at.plusSeconds(i),
                at.plusSeconds(i), "api.example.com", Map.of("request_id", "r" + i), Map.of());
    }

    /** The tree of every stored leaf hash up to {@code size}, in memory: how proofs were built before the stored nodes. */
    private static MerkleTree wholeTree(DataSource pool, long size) throws SQLException {
        MerkleTree tree = new MerkleTree();
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT leaf_hash FROM merkle_leaves WHERE leaf_index < ? ORDER BY leaf_index")) {
            ps.setLong(1, size);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tree.append(rs.getBytes(1));
                }
            }
        }
        return tree;
    }

    static void fill(DataSource pool, UUID agent, int events, Random random) throws Exception {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO agents (id, name, owner, created_at, updated_at) VALUES ('" + agent + "', 'bench-" + agent + "', 'bench@example.com', now(), now())");
            StringBuilder text = new StringBuilder();
            Instant at;
            // Recorded after what is there already, as a live ledger's events are.
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(recorded_at) + interval '1 ms', '2026-11-20T00:00:00Z') FROM ledger_events")) {
                rs.next();
                at = rs.getTimestamp(1).toInstant();
            }
            for (int i = 0; i < events; i++) {
                text.append(UUID.randomUUID()).append('\t').append(agent).append("\t\\N\t").append(BigDecimal.valueOf(random.nextInt(1_000_000_000), 9))
                        .append("\tUSD\t").append(at.plusMillis(i)).append('\t').append(at.plusMillis(i)).append("\tapi.example.com\t{\"request_id\": \"r")
                        .append(i).append("\"}\n");
                if (text.length() > 8_000_000 || i == events - 1) {
                    c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY ledger_events (event_id, agent_id, hold_id, amount, currency, occurred_at,"
                            + " recorded_at, resource, metadata) FROM STDIN", new StringReader(text.toString()));
                    text.setLength(0);
                }
            }
            // One budget line per event, as the pipeline writes one per policy the charge counts against.
            UUID policy = UUID.randomUUID();
            st.execute("INSERT INTO budget_policies (id, agent_id, limit_amount, currency, time_window, created_at, updated_at) VALUES ('" + policy
                    + "', '" + agent + "', 1000000000, 'USD', 'monthly', now(), now())");
            st.execute("INSERT INTO ledger_event_lines (event_id, policy_id, amount) SELECT event_id, '" + policy + "', amount FROM ledger_events WHERE agent_id = '" + agent + "'");
            st.execute("ANALYZE");
        }
    }

    /**
     * Appends every event not in the log yet and signs it, in checkpoints of 1,000; reports its time and rate under
     * {@code what} and its CPU as {@code step}. Returns the CPU count after it.
     */
    private static double integrate(MerkleLogStore store, PemKeys.SigningKey key, ProcessTreeCpu cpuClock, Function<MerkleLog.Run, String> what,
                                    String step) {
        double cpu = cpuClock.seconds();
        long start = System.nanoTime();
        MerkleLog.Run run = new MerkleLog(store, "caracal-bench", key, 1000, Duration.ofMinutes(5)).integrateAll();
        double seconds = (System.nanoTime() - start) / 1e9;
        report(what.apply(run) + " (" + Math.round(run.appended() / seconds) + " events/s)", seconds, "s");
        return cpu(cpuClock, step, cpu);
    }

    /** Reports the CPU seconds (this JVM and PostgreSQL) since {@code since}; returns the count now. */
    private static double cpu(ProcessTreeCpu clock, String step, double since) {
        double now = clock.seconds();
        report("  CPU of " + step + ", this JVM and PostgreSQL (user + system)", now - since, "s");
        return now;
    }

    private static void check(boolean valid) {
        if (!valid) {
            throw new IllegalStateException("a signature did not verify");
        }
    }

    private static void report(String what, double value, String unit) {
        System.out.printf("%-80s %12.3f %s%n", what, value, unit);
    }
}
