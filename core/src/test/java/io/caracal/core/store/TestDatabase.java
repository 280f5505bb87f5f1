package io.caracal.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A migrated database of its own on the shared embedded PostgreSQL, with a real connection pool. */
public final class TestDatabase {
    private TestDatabase() {
    }

    /** A pool on {@code name}, created and migrated if need be (both are no-ops the second time). */
    public static HikariDataSource pool(String name) {
        EmbeddedPostgresServer postgres = SharedServices.postgres();
        postgres.createDatabase(name);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl(name));
        config.setUsername(EmbeddedPostgresServer.USER);
        config.setMaximumPoolSize(20);
        // Connections open as tests need them: with Hikari's default (minimum idle = maximum), every pool held 20
        // connections from the start, and the test JVM's pools together ran the shared server out of connections.
        config.setMinimumIdle(1);
        HikariDataSource dataSource = new HikariDataSource(config);
        new SchemaMigrator(dataSource).migrate();
        return dataSource;
    }

    public static Database create(String name) {
        return new Database(pool(name));
    }

    static void execute(Database db, String sql) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
