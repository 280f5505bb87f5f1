package io.caracal.cli.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.cli.Caracal;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The CLI run in the test's JVM as an operator would, for tests that act through it. */
final class CliJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CliJson() {
    }

    /** What an operator's shell holds for the CLI to reach the test's database on the shared PostgreSQL, with its home in {@code home}. */
    static Map<String, String> environment(String database, Path home) {
        EmbeddedPostgresServer postgres = SharedServices.postgres();
        return Map.of("DB_HOST", postgres.host(), "DB_PORT", Integer.toString(postgres.port()), "DB_NAME", database,
                "DB_USER", EmbeddedPostgresServer.USER, "DB_PASSWORD", "", "USER", "test-operator", "CARACAL_HOME", home.toString());
    }

    /** Runs a {@code caracal} command with {@code -o json} on {@code env}, which must succeed, and returns what it printed. */
    static JsonNode run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Caracal.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, () -> String.join(" ", args) + "\n" + out + err);
        try {
            return JSON.readTree(out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
