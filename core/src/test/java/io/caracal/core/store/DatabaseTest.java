package io.caracal.core.store;

import io.caracal.core.error.StorageUnavailableException;
import io.caracal.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A connection the server ends in the middle of a transaction (a restart, a crash, a failover) is an unreachable
 * database, which callers fail closed on; not an unexpected error. Its rollback then fails too ("Connection is
 * closed", without a state), and that must not hide what happened.
 */
class DatabaseTest {
    private static com.zaxxer.hikari.HikariDataSource pool;
    private static Database db;

    @BeforeAll
    static void setUp() {
        pool = TestDatabase.pool("store_database");
        db = new Database(pool);
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    @Test
    void aConnectionTheServerEndsMidTransactionIsAnUnreachableDatabase() {
        StorageUnavailableException e = assertThrows(StorageUnavailableException.class, () -> db.transaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_terminate_backend(pg_backend_pid())");
            }
            return null;
        }));
        assertEquals(1, e.getCause().getSuppressed().length, "the failed rollback rides along with the original failure");
        int one = db.transaction(c -> {
            try (Statement s = c.createStatement(); var rs = s.executeQuery("SELECT 1")) {
                rs.next();
                return rs.getInt(1);
            }
        });
        assertEquals(1, one, "the pool replaced the ended connection");
    }

    @Test
    void noConnectionFreeWithinThePoolsTimeoutIsAnUnavailableDatabase() throws Exception {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(pool.getJdbcUrl());
        config.setUsername(pool.getUsername());
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(250);
        try (com.zaxxer.hikari.HikariDataSource one = new com.zaxxer.hikari.HikariDataSource(config);
             java.sql.Connection taken = one.getConnection()) {
            StorageUnavailableException e = assertThrows(StorageUnavailableException.class, () -> new Database(one).transaction(c -> null),
                    "a gateway under load answers 503 on this, not 500: it is no client's mistake, and no bug either");
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("no database connection free"), e.getMessage());
            org.junit.jupiter.api.Assertions.assertTrue(taken.isValid(1));
        }
    }
}
