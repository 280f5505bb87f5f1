package io.caracal.gateway;

import io.caracal.core.store.SchemaMigrator;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL of a test's own, on a fixed port and data directory, so it can be killed (SIGKILL to the
 * postmaster and every backend, as a crash would) and started again where the gateway expects it, recovering
 * from its WAL. Commits are acknowledged only once their WAL is written (synchronous_commit on), so a charge
 * a client was told of survives the kill; fsync stays off, as the kill is of the server, not of the machine.
 */
final class DedicatedPostgres implements AutoCloseable {
    private final Path data;
    private final int port;
    private final String database;
    private EmbeddedPostgres server;

    /** Started, with {@code database} created and migrated. */
    DedicatedPostgres(Path data, int port, String database) throws IOException {
        this.data = data;
        this.port = port;
        this.database = database;
        start();
        try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        new SchemaMigrator(server.getDatabase(EmbeddedPostgresServer.USER, database)).migrate();
    }

    /** What a gateway reads to use this server's database (its pool finds the server again after a restart). */
    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    void start() throws IOException {
        server = EmbeddedPostgres.builder().setPort(port).setDataDirectory(data).setCleanDataDirectory(false)
                .setServerConfig("synchronous_commit", "on").setServerConfig("fsync", "off")
                .setServerConfig("max_connections", "100").start();
    }

    /** SIGKILL to the postmaster and all its children, then waits until every one of them is gone. */
    void kill() throws Exception {
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        all.add(0, postmaster);
        for (ProcessHandle process : all) {
            process.destroyForcibly();
        }
        for (ProcessHandle process : all) {
            process.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        // Releases the data directory's lock for the next start; its own stop finds nothing to stop and says so.
        ch.qos.logback.classic.Logger zonky = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(EmbeddedPostgres.class);
        ch.qos.logback.classic.Level level = zonky.getLevel();
        zonky.setLevel(ch.qos.logback.classic.Level.OFF);
        try {
            server.close();
        } finally {
            zonky.setLevel(level);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
