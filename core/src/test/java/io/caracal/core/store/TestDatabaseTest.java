package io.caracal.core.store;

import com.zaxxer.hikari.HikariDataSource;
import io.caracal.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every module's tests get their schema from TestDatabase, which cannot call SchemaMigrator: the two must agree. */
class TestDatabaseTest {

    @Test
    void theTestSchemaIsTheOneSchemaMigratorWouldCreate() {
        try (HikariDataSource pool = TestDatabase.pool("test_database_agrees")) {
            SchemaMigrator migrator = new SchemaMigrator(pool);
            SchemaMigrator.Status status = migrator.status();
            assertTrue(status.upToDate(), "pending after TestDatabase migrated: " + status.pending());
            assertEquals(status.latestVersion(), status.currentVersion());
            assertEquals(0, migrator.migrate().applied());
        }
    }
}
