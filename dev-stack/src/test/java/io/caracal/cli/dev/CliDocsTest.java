package io.caracal.cli.dev;

import io.caracal.cli.Caracal;
import io.caracal.cli.CliSession;
import io.caracal.cli.LocalServices;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * docs/cli.md is executable: its ```bash blocks, concatenated in order, must run top to bottom under
 * {@code set -euo pipefail} against an empty database and the shared embedded Kafka and Redis, and every command the CLI has must
 * appear in one of them. It lives with the dev stack because the reference documents {@code caracal dev} too: as {@code ./caracal}
 * does, the examples run {@code caracal dev} on the dev-stack build and every other command on the admin CLI's main class.
 */
class CliDocsTest {
    private static final Path DOC = Path.of("..", "docs", "cli.md");
    private static final long TIMEOUT_MINUTES = 10;

    /** The commands the reference documents today; the CLI's own command tree is checked as well. */
    private static final List<String> DOCUMENTED_COMMANDS = List.of(
            "agent create", "agent list", "agent get", "agent update", "agent suspend", "agent activate",
            "agent key create", "agent key list", "agent key revoke",
            "policy create", "policy list", "policy get", "policy update", "policy deactivate", "policy history",
            "allowlist create", "allowlist list", "allowlist delete", "allowlist test",
            "pricebook set", "pricebook list", "pricebook history", "pricebook import",
            "delegation add-key", "delegation issue", "delegation verify", "delegation revoke-token",
            "audit query", "audit verify",
            "db init", "db migrate up", "db health-check",
            "kafka create-topics", "kafka list-topics", "kafka describe-topic", "kafka consumer-lag", "kafka list-brokers",
            "dlq list", "dlq get", "dlq retry", "replay start", "replay status",
            "merkle rotate-keys", "merkle backfill", "merkle verify-range", "merkle verify-batch", "merkle verify-event", "merkle prove-inclusion",
            "merkle prove-consistency", "ledger query", "snapshot create", "snapshot list", "snapshot restore",
            "ledger export", "ledger verify", "receipt verify", "receipt rotate-keys", "backup create", "backup list", "backup verify");

    private static String markdown;
    private static List<String> bashBlocks;

    @BeforeAll
    static void readDoc() throws IOException {
        assertTrue(Files.isRegularFile(DOC), "missing " + DOC.toAbsolutePath().normalize());
        markdown = Files.readString(DOC, StandardCharsets.UTF_8);
        bashBlocks = bashBlocks(markdown);
        assertFalse(bashBlocks.isEmpty(), "docs/cli.md has no ```bash blocks");
    }

    @Test
    void docHasASectionForEveryCommandGroup() {
        for (String group : topLevelGroups()) {
            assertTrue(Pattern.compile("(?m)^##+ " + Pattern.quote(group) + "\\b").matcher(markdown).find(),
                    "docs/cli.md has no section for 'caracal " + group + "'");
            assertTrue(markdown.contains("caracal " + group), "docs/cli.md never mentions 'caracal " + group + "'");
        }
    }

    @Test
    void everyCommandHasARunnableExample() {
        List<String> leaves = leafCommands();
        assertTrue(leaves.containsAll(DOCUMENTED_COMMANDS),
                "the CLI no longer has every documented command: " + DOCUMENTED_COMMANDS + " vs " + leaves);
        String bash = String.join("\n", bashBlocks);
        List<String> missing = new ArrayList<>();
        for (String command : leaves) {
            String words = String.join("\\s+", command.split(" "));
            if (!Pattern.compile("(?<![\\w-])caracal\\s+" + words + "(?![\\w-])").matcher(bash).find()) {
                missing.add("caracal " + command);
            }
        }
        assertTrue(missing.isEmpty(), "commands without an example in a ```bash block of docs/cli.md: " + missing);
    }

    @Test
    void bashExamplesRunTopToBottomAgainstAnEmptyDatabase(@TempDir Path dir) throws Exception {
        assertTrue(bashBlocks.get(0).contains("caracal db init"),
                "the first ```bash block must initialise the database with 'caracal db init'");

        Path script = dir.resolve("cli-docs.sh");
        Files.writeString(script, "set -euo pipefail\n"
                // The test classpath carries logback-test.xml; the CLI's own logging config is what users get. Each example is
                // a short-lived JVM: the C1 compiler alone halves the CPU each one takes (measured: 8.3 s to 4.0 s of user
                // time for one command), and the examples run one after another on two cores.
                + "caracal() { local main=" + Caracal.class.getName() + "; if [[ \"${1:-}\" == dev ]]; then main=" + CaracalDev.class.getName() + "; fi;"
                + " java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlogback.configurationFile=\"$CARACAL_LOGBACK\""
                + " -cp \"$CARACAL_TEST_CP\" \"$main\" \"$@\"; }\n"
                + String.join("\n", bashBlocks), StandardCharsets.UTF_8);

        EmbeddedPostgresServer postgres = SharedServices.postgres();
        String database = "cli_docs_" + Long.toHexString(System.nanoTime());
        postgres.createDatabase(database);
        Path home = Files.createDirectories(dir.resolve("caracal-home"));

        ProcessBuilder builder = new ProcessBuilder("bash", script.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("output.log").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("DB_") || name.startsWith("CARACAL_") || name.startsWith("KAFKA_") || name.startsWith("REDIS_"));
        env.put("DB_HOST", postgres.host());
        env.put("DB_PORT", Integer.toString(postgres.port()));
        env.put("DB_NAME", database);
        env.put("DB_USER", EmbeddedPostgresServer.USER);
        env.put("DB_PASSWORD", "");
        env.put("KAFKA_BOOTSTRAP_SERVERS", SharedServices.kafka().bootstrapServers());
        env.put("REDIS_HOST", SharedServices.redis().host());
        env.put("REDIS_PORT", Integer.toString(SharedServices.redis().port()));
        env.put("CARACAL_HOME", home.toString());
        env.put("CARACAL_TEST_CP", System.getProperty("java.class.path"));
        env.put("CARACAL_LOGBACK", Path.of("..", "cli", "src", "main", "resources", "logback.xml").toAbsolutePath().toString());
        // The examples' java is the JDK running this test.
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + java.io.File.pathSeparator + env.getOrDefault("PATH", ""));

        Process process = builder.start();
        boolean finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(dir.resolve("output.log"), StandardCharsets.UTF_8);
        System.out.println(output);
        if (!finished) {
            fail("the docs/cli.md examples did not finish within " + TIMEOUT_MINUTES + " minutes; output so far:\n" + output);
        }
        assertEquals(0, process.exitValue(), () -> "the docs/cli.md examples failed (script " + script + "); output:\n" + output);
    }

    /** The contents of the ```bash fenced blocks, in order. Other fences (```text, ```yaml) are skipped whole. */
    static List<String> bashBlocks(String text) {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        boolean inFence = false;
        for (String line : text.split("\\R", -1)) {
            String trimmed = line.strip();
            if (!inFence) {
                if (trimmed.startsWith("```")) {
                    inFence = true;
                    current = trimmed.substring(3).strip().equals("bash") ? new StringBuilder() : null;
                }
            } else if (trimmed.equals("```")) {
                inFence = false;
                if (current != null) {
                    blocks.add(current.toString());
                }
                current = null;
            } else if (current != null) {
                current.append(line).append('\n');
            }
        }
        assertFalse(inFence, "docs/cli.md has an unclosed ``` fence");
        return blocks;
    }

    private static CommandLine commandTree() {
        CliSession session = new CliSession(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), LocalServices.NONE);
        return Caracal.commandLine(session, CaracalDev.DISTRIBUTION);
    }

    private static List<String> topLevelGroups() {
        return List.copyOf(commandTree().getSubcommands().keySet());
    }

    /** Every runnable command, such as "agent key create", from the CLI's own command tree. */
    private static List<String> leafCommands() {
        List<String> leaves = new ArrayList<>();
        collectLeaves(commandTree(), leaves);
        return leaves;
    }

    private static void collectLeaves(CommandLine command, List<String> leaves) {
        if (command.getSubcommands().isEmpty()) {
            leaves.add(command.getCommandSpec().qualifiedName(" ").replaceFirst("^caracal ", ""));
            return;
        }
        command.getSubcommands().values().forEach(sub -> collectLeaves(sub, leaves));
    }
}
