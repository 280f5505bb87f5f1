package io.caracal.cli;

import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the real {@code caracal} entry point in-process against its own database on the shared embedded
 * PostgreSQL, connected exactly as an operator would connect: through the DB_* variables.
 */
final class CliRunner {
    static final List<String> TABLES = List.of("agents", "agent_api_keys", "budget_policies", "policy_versions",
            "resource_allowlists", "pricebook_entries", "agent_rate_limits", "event_outbox");

    private final EmbeddedPostgresServer postgres = SharedServices.postgres();
    private final String database;
    private final Map<String, String> env = new HashMap<>();

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    CliRunner(String database) {
        this.database = database;
        postgres.createDatabase(database);
        env.put("DB_HOST", postgres.host());
        env.put("DB_PORT", Integer.toString(postgres.port()));
        env.put("DB_NAME", database);
        env.put("DB_USER", EmbeddedPostgresServer.USER);
        env.put("DB_PASSWORD", "");
        env.put("USER", "test-operator");
        try {
            env.put("CARACAL_HOME", Files.createTempDirectory("caracal-home").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Points the CLI at the shared embedded Kafka, as KAFKA_BOOTSTRAP_SERVERS would in production. */
    CliRunner withKafka() {
        return withKafka(SharedServices.kafka().bootstrapServers());
    }

    /** Points the CLI at a broker of the test's own. */
    CliRunner withKafka(String bootstrapServers) {
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        return this;
    }

    String jdbcUrl() {
        return postgres.jdbcUrl(database);
    }

    Result run(String... args) {
        return runWith(env, args);
    }

    Result runWith(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Caracal.run(args, environment, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    Map<String, String> env() {
        return new HashMap<>(env);
    }

    Path home() {
        return Path.of(env.get("CARACAL_HOME"));
    }

    /** Every row of every table, in a stable order: equal snapshots mean nothing changed. */
    String snapshot() {
        StringBuilder dump = new StringBuilder();
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(database), EmbeddedPostgresServer.USER, "");
             Statement s = c.createStatement()) {
            for (String table : TABLES) {
                dump.append("## ").append(table).append('\n');
                try (ResultSet rs = s.executeQuery("SELECT t::text FROM " + table + " t ORDER BY t::text")) {
                    while (rs.next()) {
                        dump.append(rs.getString(1)).append('\n');
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return dump.toString();
    }

    long count(String table) {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(database), EmbeddedPostgresServer.USER, "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
