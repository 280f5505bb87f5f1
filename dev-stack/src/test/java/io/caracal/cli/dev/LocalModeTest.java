package io.caracal.cli.dev;

import io.caracal.cli.Caracal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Local mode of the dev-stack build: with no database or Redis configured, each command starts its own embedded
 * ones over the Caracal home, migrated on first use, and the data is there for the next command.
 */
class LocalModeTest {

    @Test
    void commandsWithoutConfigurationKeepTheirDataUnderTheHome(@TempDir Path home) {
        Map<String, String> env = Map.of("CARACAL_HOME", home.toString());
        String created = run(env, "agent", "create", "--name", "local-agent", "--owner", "me@example.com", "-o", "json");
        String agentId = created.replaceAll("(?s).*\"agent_id\":\"([^\"]+)\".*", "$1");
        run(env, "policy", "create", "--agent-id", agentId, "--limit", "5");

        assertTrue(run(env, "agent", "list").contains("local-agent"));
        assertTrue(Files.isDirectory(home.resolve("postgres")));
        // The budget figures come from a private embedded Redis, filled from PostgreSQL.
        assertTrue(run(env, "budget", "status", "--agent-id", agentId, "-o", "json").contains("\"available\":\"5.00\""));
    }

    private static String run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Caracal.run(args, env, new PrintWriter(out, true), new PrintWriter(err, true), CaracalDev.DISTRIBUTION);
        assertEquals(0, code, () -> String.join(" ", args) + ": " + err);
        return out.toString();
    }
}
