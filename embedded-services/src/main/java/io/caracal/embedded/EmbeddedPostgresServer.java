package io.caracal.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real PostgreSQL server (zonky binaries) on a free loopback port. With a data directory it keeps its
 * data between runs, which is what the CLI's local mode needs; without one it starts empty.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    public static final String USER = "postgres";

    private final EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedPostgresServer startTemporary() {
        return start(null, Map.of());
    }

    /**
     * An empty server whose settings ({@code postgresql.conf} names) override the defaults below, for example
     * {@code fsync=on, synchronous_commit=on, full_page_writes=on} for a benchmark that pays for durability.
     */
    public static EmbeddedPostgresServer startTemporary(Map<String, String> settings) {
        return start(null, settings);
    }

    public static EmbeddedPostgresServer startPersistent(Path dataDirectory) {
        return start(dataDirectory, Map.of());
    }

    private static EmbeddedPostgresServer start(Path dataDirectory, Map<String, String> settings) {
        Map<String, String> config = new LinkedHashMap<>();
        // Durability is not what the embedded server is for; fsync off keeps tests fast. (zonky also starts the
        // postmaster with -F, fsync off, but a -c setting comes after it on the command line and wins.)
        config.put("fsync", "off");
        config.put("synchronous_commit", "off");
        config.put("full_page_writes", "off");
        config.put("max_connections", "200");
        config.putAll(settings);
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPort(FreePorts.next());
            config.forEach(builder::setServerConfig);
            if (dataDirectory != null) {
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            return new EmbeddedPostgresServer(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return postgres.getPort();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }

    /** Creates a database if it does not exist yet, so each test class can own a clean one on the shared server. */
    public void createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("unsafe database name: " + name);
        }
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE " + name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
