package io.caracal.ledger;

import io.caracal.core.keys.PemKeys;
import io.caracal.core.ledger.LedgerWriter;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.Await;
import io.caracal.testing.ChildProcess;
import io.caracal.testing.ConsumerStart;
import io.caracal.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ledger function's runnable jar (target/caracal-ledger.jar: the caracal/ledger image's entrypoint and the
 * Lambda package) started on its own, as a first deployment starts its container: on an empty database with
 * MIGRATE_ON_START=true, configured only by the deployment guide's environment variables. The schema exists before
 * the consumer and the Merkle job start, so the first screen has no error on it.
 */
class LedgerJarIT {
    private static final String DATABASE = ConsumerStart.database("ledger");

    @Test
    void itsJarMigratesJoinsItsGroupRegistersTheMerkleKeyAndStopsOnSigterm(@TempDir Path dir) {
        Path key = dir.resolve("merkle.pem");
        PemKeys.generate(key);
        try (ChildProcess ledger = ConsumerStart.fromJar("ledger", LedgerWriter.GROUP, Map.of("MERKLE_SIGNING_KEY_PATH", key.toString()))) {
            // The Merkle job registers its signing key when it starts, and then integrates every second.
            Await.until(Duration.ofSeconds(30), () -> keysRegistered() > 0, "the Merkle job to register its key");
            assertEquals(0, TestDatabase.pendingMigrations(DATABASE));
            assertEquals(143, ledger.stop(Duration.ofSeconds(60)), "ended by SIGTERM after its shutdown hook:\n" + ledger.output());
            assertEquals(List.of(), ledger.errorLines(), "a first start logs no error:\n" + ledger.output());
        }
    }

    private static int keysRegistered() {
        EmbeddedPostgresServer postgres = SharedServices.postgres();
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(DATABASE), EmbeddedPostgresServer.USER, "");
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM merkle_keys")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            return 0; // no schema yet
        }
    }
}
