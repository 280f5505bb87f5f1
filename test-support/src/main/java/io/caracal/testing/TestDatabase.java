package io.caracal.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/** A migrated database of its own on the shared embedded PostgreSQL, with a real connection pool. */
public final class TestDatabase {
    private TestDatabase() {
    }

    /** A pool on {@code name}, created and migrated if need be (both are no-ops the second time). */
    public static HikariDataSource pool(String name) {
        HikariDataSource dataSource = unmigrated(name);
        migrate(dataSource);
        return dataSource;
    }

    /** A pool on {@code name}, created if need be and left as it is: for tests of the migrations themselves. */
    public static HikariDataSource unmigrated(String name) {
        EmbeddedPostgresServer postgres = SharedServices.postgres();
        postgres.createDatabase(name);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.jdbcUrl(name));
        config.setUsername(EmbeddedPostgresServer.USER);
        config.setMaximumPoolSize(20);
        // Connections open as tests need them: with Hikari's default (minimum idle = maximum), every pool held 20
        // connections from the start, and the test JVM's pools together ran the shared server out of connections.
        config.setMinimumIdle(1);
        return new HikariDataSource(config);
    }

    /** Creates and migrates {@code name}, for tests whose code under test opens its own connections. */
    public static void create(String name) {
        pool(name).close();
    }

    /**
     * What connects a Micronaut context started by a test (a gateway, the consumers) to {@code name}, created and
     * migrated, and to the shared Redis.
     */
    public static Map<String, Object> contextProperties(String name) {
        create(name);
        EmbeddedPostgresServer postgres = SharedServices.postgres();
        return Map.of("datasources.default.url", postgres.jdbcUrl(name), "datasources.default.username", EmbeddedPostgresServer.USER,
                "datasources.default.password", "", "caracal.redis.url", SharedServices.redis().uri());
    }

    /**
     * A superuser {@code role} that must give {@code password} to connect (scram-sha-256 over TCP), where every other
     * role of the shared server is trusted: a test connecting as it proves which password its code used. Its rule is
     * put first in the server's pg_hba.conf, once; returns when the server applies it.
     */
    public static void passwordRole(String role, String password) {
        if (!role.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("unsafe role name: " + role);
        }
        EmbeddedPostgresServer postgres = SharedServices.postgres();
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl("postgres"), EmbeddedPostgresServer.USER, "");
             Statement s = c.createStatement()) {
            var exists = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'");
            s.execute((exists.next() ? "ALTER" : "CREATE") + " ROLE " + role + " LOGIN SUPERUSER PASSWORD '" + password.replace("'", "''") + "'");
            var hba = s.executeQuery("SHOW hba_file");
            hba.next();
            Path file = Path.of(hba.getString(1));
            String rules = Files.readString(file);
            String rule = "host all " + role + " 127.0.0.1/32 scram-sha-256\n";
            if (!rules.contains(rule)) {
                Files.writeString(file, rule + rules);
                s.execute("SELECT pg_reload_conf()");
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("could not set up role " + role, e);
        }
        Await.until(Duration.ofSeconds(10), () -> refusesWithoutPassword(postgres, role), refused -> refused);
    }

    private static boolean refusesWithoutPassword(EmbeddedPostgresServer postgres, String role) {
        try (Connection ignored = DriverManager.getConnection(postgres.jdbcUrl("postgres"), role, "not-the-password")) {
            return false;
        } catch (SQLException e) {
            return "28P01".equals(e.getSQLState());
        }
    }

    /** How many of core's migrations {@code name} has not applied (all of them on an empty database). */
    public static int pendingMigrations(String name) {
        try (HikariDataSource dataSource = unmigrated(name)) {
            return Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().info().pending().length;
        }
    }

    /**
     * The migrations core ships, as core's SchemaMigrator finds them. Not SchemaMigrator itself: core's own tests use
     * this module, so it cannot depend on core; core's TestDatabaseTest checks the two agree.
     */
    private static void migrate(DataSource dataSource) {
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    }

    /** Runs one statement, for tests that set up what the stores never would (triggers, forbidden writes). */
    public static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
