package io.caracal.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.ledger.Checkpoint;
import io.caracal.core.ledger.InvalidCheckpointException;
import io.caracal.core.ledger.NoteKey;
import io.caracal.core.ledger.SignedNotes;
import io.caracal.core.ledger.LedgerBundleVerifier;
import io.caracal.core.ledger.LedgerBundleWriter;
import io.caracal.core.ledger.LedgerLeaf;
import io.caracal.core.ledger.LedgerRow;
import io.caracal.core.ledger.MerkleLog;
import io.caracal.core.ledger.MerkleLogStore;
import io.caracal.core.store.Database;
import io.caracal.core.store.SchemaMigrator;
import io.caracal.embedded.EmbeddedPostgresServer;


import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline bundle at 100,000 and 1,000,000 events of MerkleBenchmark's shape: a ledger filled by COPY and signed by
 * MerkleLog in 1,000-event checkpoints, then `ledger export` and `ledger verify --bundle` each run as its own JVM with
 * the same -Xmx under /usr/bin/time -v (what the CLI runs: LedgerBundleWriter to an unbuffered file, LedgerBundleVerifier
 * with the public key), for the file's size, the time inside the JVM and the peak RSS. The floors in the same run:
 * Java SHA-256 of 1,000,000 leaf-sized inputs, and the same leaves encoded and hashed (LedgerLeaf) on one core;
 * `openssl speed sha256` is run by bench/run-bundle-bench.sh.
 * Usage: bench/run-bundle-bench.sh [sizes, default 100000,1000000 | floors] (child JVM heap: -Dbench.heap, default 128m)
 */
public final class BundleBenchmark {
    private static final String ORIGIN = "caracal-bench";
    private static final Pattern RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
    private static final Pattern CPU = Pattern.compile("(?:User|System) time \\(seconds\\): ([\\d.]+)");
    private static final Pattern WALL = Pattern.compile("Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): (?:(\\d+):)?(\\d+):([\\d.]+)");

    private BundleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("export")) {
            export(args[1], Path.of(args[2]), LedgerBundleWriter.Format.valueOf(args[3]));
            return;
        }
        if (args.length > 0 && args[0].equals("verify")) {
            verify(Path.of(args[1]), Path.of(args[2]));
            return;
        }
        floors();
        if (args.length > 0 && args[0].equals("floors")) {
            return;
        }
        List<Integer> sizes = new ArrayList<>();
        for (String size : (args.length > 0 ? args[0] : "100000,1000000").split(",")) {
            sizes.add(Integer.parseInt(size));
        }
        String heap = System.getProperty("bench.heap", "128m");
        Path dir = Files.createTempDirectory("bundle-bench");
        PemKeys.SigningKey key = PemKeys.generate(dir.resolve("key.pem"));
        Path publicKey = Files.writeString(dir.resolve("key.pub"), PemKeys.publicPem(key.publicKey()));
        Random random = new Random(6962);
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startTemporary()) {
            postgres.createDatabase("bench");
            try (HikariDataSource bench = pool(postgres.jdbcUrl("bench"))) {
                new SchemaMigrator(bench).migrate();
                MerkleLogStore store = new MerkleLogStore(new Database(bench), Clock.systemUTC());
                int filled = 0;
                for (int size : sizes) {
                    MerkleBenchmark.fill(bench, UUID.randomUUID(), size - filled, random);
                    filled = size;
                    long start = System.nanoTime();
                    MerkleLog.Run run = new MerkleLog(store, ORIGIN, key, 1000, Duration.ofMinutes(5)).integrateAll();
                    report(size, "integrate " + run.appended() + " events, sign " + run.signed() + " checkpoints (setup)",
                            (System.nanoTime() - start) / 1e9 + " s");
                    List<LedgerBundleWriter.Format> formats = size == sizes.get(0) ? List.of(LedgerBundleWriter.Format.BINARY,
                            LedgerBundleWriter.Format.JSON) : List.of(LedgerBundleWriter.Format.BINARY);
                    for (LedgerBundleWriter.Format format : formats) {
                        Path file = dir.resolve("bundle-" + size + "." + format.name().toLowerCase());
                        child(size, heap, "export " + format, List.of("export", postgres.jdbcUrl("bench"), file.toString(), format.name()));
                        long bytes = Files.size(file);
                        report(size, "bundle " + format + " size", String.format("%,d bytes, %.1f bytes/event", bytes, (double) bytes / size));
                        child(size, heap, "verify " + format, List.of("verify", file.toString(), publicKey.toString()));
                        Files.delete(file);
                    }
                }
            }
        }
    }

    private static HikariDataSource pool(String jdbcUrl) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(jdbcUrl);
        pool.setUsername(EmbeddedPostgresServer.USER);
        pool.setMaximumPoolSize(2);
        return pool;
    }

    /**
     * Java's SHA-256 over 1,000,000 inputs the size of a leaf's, 1,000,000 leaves encoded and hashed as LedgerLeaf does,
     * and the 1,000 checkpoint signatures a 1M-event bundle carries checked as SignedNotes does, each on one core.
     */
    private static void floors() throws Exception {
        PemKeys.SigningKey key = PemKeys.generate();
        NoteKey noteKey = new NoteKey(ORIGIN, key.publicKey());
        String note = SignedNotes.sign(new Checkpoint(ORIGIN, 1000, new byte[32]), noteKey, key.privateKey());
        report(1_000_000, "floor: 1,000 checkpoint signatures verified as SignedNotes does (NoteSigner, Bouncy Castle), one core", timed(() -> {
            for (int i = 0; i < 1000; i++) {
                try {
                    SignedNotes.verify(note, List.of(noteKey));
                } catch (InvalidCheckpointException e) {
                    throw new IllegalStateException(e);
                }
            }
        }));
        UUID agent = UUID.randomUUID();
        Instant at = Instant.parse("2026-11-20T00:00:00Z");
        Random random = new Random(1);
        List<LedgerRow> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rows.add(new LedgerRow(UUID.randomUUID(), agent, null, BigDecimal.valueOf(random.nextInt(1_000_000_000), 9), "USD", at.plusMillis(i),
                    at.plusMillis(i), "api.example.com", Map.of("request_id", "r" + i), Map.of()));
        }
        byte[] input = new byte[LedgerLeaf.encode(0, rows.get(0)).length + 1];
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        report(1_000_000, "floor: Java SHA-256 of 1,000,000 x " + input.length + " bytes (one leaf's input), one core", timed(() -> {
            for (int i = 0; i < 1_000_000; i++) {
                sha.update(input);
                sha.digest();
            }
        }));
        report(1_000_000, "floor: LedgerLeaf encode + hash of 1,000,000 events, one core", timed(() -> {
            for (int i = 0; i < 1_000_000; i++) {
                LedgerLeaf.hash(i, rows.get(i % 1000));
            }
        }));
    }

    /** Runs this class in a fresh JVM under /usr/bin/time -v; reports what it prints, its wall time and its peak RSS. */
    private static void child(int size, String heap, String what, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/time", "-v", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener", "-cp", System.getProperty("java.class.path"), BundleBenchmark.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).start();
        String out = read(process.getInputStream());
        String err = read(process.getErrorStream());
        if (process.waitFor() != 0) {
            throw new IllegalStateException(what + " failed: " + out + err);
        }
        Matcher rss = RSS.matcher(err);
        Matcher wall = WALL.matcher(err);
        if (!rss.find() || !wall.find()) {
            throw new IllegalStateException("no /usr/bin/time figures in: " + err);
        }
        double seconds = (wall.group(1) == null ? 0 : Integer.parseInt(wall.group(1)) * 3600) + Integer.parseInt(wall.group(2)) * 60
                + Double.parseDouble(wall.group(3));
        // CPU time (user + system, every thread) depends far less than wall time on what else the machine runs.
        double cpu = 0;
        for (Matcher m = CPU.matcher(err); m.find(); ) {
            cpu += Double.parseDouble(m.group(1));
        }
        report(size, what + " (-Xmx" + heap + ")", out.strip() + "; whole JVM " + seconds + " s wall, " + String.format("%.2f", cpu)
                + " s CPU; peak RSS " + Long.parseLong(rss.group(1)) / 1024 + " MB");
    }

    private static String read(InputStream in) throws Exception {
        StringBuilder text = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in))) {
            reader.lines().forEach(line -> text.append(line).append('\n'));
        }
        return text.toString();
    }

    private static void export(String jdbcUrl, Path file, LedgerBundleWriter.Format format) throws Exception {
        try (HikariDataSource pool = pool(jdbcUrl)) {
            MerkleLogStore store = new MerkleLogStore(new Database(pool), Clock.systemUTC());
            long start = System.nanoTime();
            LedgerBundleWriter.Summary summary;
            try (OutputStream out = Files.newOutputStream(file)) {
                summary = new LedgerBundleWriter(store).write(out, format, ORIGIN, Instant.now(), null, null);
            }
            System.out.printf("%d events in %.3f s%n", summary.events(), (System.nanoTime() - start) / 1e9);
        }
    }

    private static void verify(Path file, Path publicKey) throws Exception {
        long start = System.nanoTime();
        LedgerBundleVerifier.Result result;
        try (InputStream in = Files.newInputStream(file)) {
            result = LedgerBundleVerifier.verify(new java.io.BufferedInputStream(in), List.of(PemKeys.readPublic(publicKey)));
        }
        System.out.printf("%d events in %.3f s, passed=%s%n", result.report().eventsChecked(), (System.nanoTime() - start) / 1e9, result.report().passed());
    }

    /** Wall and CPU time of {@code work} on this thread, once warmed up by a first run. */
    private static String timed(Runnable work) {
        work.run();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu = threads.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        work.run();
        return String.format("%.3f s wall, %.3f s CPU", (System.nanoTime() - wall) / 1e9, (threads.getCurrentThreadCpuTime() - cpu) / 1e9);
    }

    private static void report(int events, String what, String value) {
        System.out.printf("%,10d  %-90s %s%n", events, what, value);
    }
}
