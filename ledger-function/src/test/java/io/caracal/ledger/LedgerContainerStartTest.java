package io.caracal.ledger;

import io.caracal.core.keys.PemKeys;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger container's first start on an empty database with MIGRATE_ON_START=true, as a process configured
 * only by the deployment guide's environment variables: the schema exists before the consumer and the Merkle
 * job start, so the first screen has no error on it.
 */
class LedgerContainerStartTest {
    /** A database of its own for every run: the first start is the point. */
    private static final String DATABASE = "ledger_first_start_" + Long.toHexString(System.nanoTime());

    @Test
    void aFirstStartMigratesBeforeItsJobsRunAndLogsNoError(@TempDir Path dir) throws Exception {
        EmbeddedPostgresServer postgres = SharedServices.postgres();
        postgres.createDatabase(DATABASE);
        Path key = dir.resolve("merkle.pem");
        PemKeys.generate(key);
        Path log = dir.resolve("ledger.log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), LedgerFunction.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("DB_HOST", postgres.host());
        env.put("DB_PORT", Integer.toString(postgres.port()));
        env.put("DB_NAME", DATABASE);
        env.put("DB_USER", EmbeddedPostgresServer.USER);
        env.put("DB_PASSWORD", "");
        env.put("KAFKA_BOOTSTRAP_SERVERS", SharedServices.kafka().bootstrapServers());
        env.put("MERKLE_SIGNING_KEY_PATH", key.toString());
        env.put("MIGRATE_ON_START", "true");
        Process ledger = builder.start();
        try {
            Await.until(Duration.ofSeconds(90), () -> text(log).contains("caracal ledger function running"), "the ledger function to start");
            // The Merkle job registers its signing key when it starts, and then integrates every second.
            Await.until(Duration.ofSeconds(30), () -> keysRegistered(postgres) > 0, "the Merkle job to register its key");
        } finally {
            ledger.destroy();
            ledger.waitFor();
        }
        List<String> errors = text(log).lines().filter(line -> line.contains(" ERROR ") || line.startsWith("Caused by")).toList();
        assertEquals(List.of(), errors, "a first start logs no error:\n" + text(log));
        assertTrue(keysRegistered(postgres) > 0);
    }

    private static String text(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int keysRegistered(EmbeddedPostgresServer postgres) {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(DATABASE), EmbeddedPostgresServer.USER, "");
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM merkle_keys")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            return 0; // no schema yet
        }
    }
}
