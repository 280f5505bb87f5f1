package io.caracal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caracal.core.keys.PemKeys;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `caracal ledger export` and `ledger verify --bundle` end to end: a ledger signed by two keys (a rotation between them)
 * is exported from real PostgreSQL and verified with no database at all; every field of an event, and the order and
 * number of events, is changed in the file and each change fails verification naming its batch.
 */
class CliLedgerBundleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static CliRunner cli;
    private static Path bundle;
    private static Path binary;
    private static UUID changedEvent;
    private static Path firstPublic;
    private static Path secondPublic;
    private static List<String> batches;

    private static String ok(String... args) {
        CliRunner.Result result = cli.run(args);
        assertEquals(0, result.exitCode(), result::toString);
        return result.out();
    }

    /** Charges with every field set: microsecond times, 9 decimals, a resource, metadata and a budget line. */
    private static void charges(String database, String agentId, String policyId, int count, int from) throws Exception {
        try (Connection c = DriverManager.getConnection(SharedServices.postgres().jdbcUrl(database), EmbeddedPostgresServer.USER, "");
             Statement st = c.createStatement()) {
            for (int i = from; i < from + count; i++) {
                String id = UUID.randomUUID().toString();
                st.execute("INSERT INTO ledger_events (event_id, agent_id, amount, currency, occurred_at, recorded_at, resource, metadata) VALUES ('"
                        + id + "', '" + agentId + "', " + (i + 1) + ".123456789, 'USD', '2026-11-20T10:00:00.123456Z'::timestamptz + interval '"
                        + i + " minutes', now(), 'openai:gpt-4o/chat', '{\"n\": \"" + i + "\", \"team\": \"research\"}')");
                st.execute("INSERT INTO ledger_event_lines (event_id, policy_id, amount) VALUES ('" + id + "', '" + policyId + "', " + (i + 1)
                        + ".5)");
            }
        }
    }

    @BeforeAll
    static void signedLedgerUnderTwoKeys() throws Exception {
        String database = "cli_bundle_" + Long.toHexString(System.nanoTime());
        cli = new CliRunner(database);
        ok("db", "init");
        String agentId = JSON.readTree(ok("agent", "create", "--name", "exported", "--owner", "ops@example.com", "-o", "json")).get("agent_id").asText();
        String policyId = JSON.readTree(ok("policy", "create", "--agent-id", agentId, "--limit", "1000", "--time-window", "daily", "-o", "json"))
                .get("policy_id").asText();
        Path firstKey = cli.home().resolve("k1.pem");
        Path secondKey = cli.home().resolve("k2.pem");
        charges(database, agentId, policyId, 25, 0);
        ok("merkle", "rotate-keys", "--new-key", firstKey.toString(), "--generate");
        ok("merkle", "backfill", "--signing-key", firstKey.toString(), "--batch-size", "10");
        ok("merkle", "rotate-keys", "--new-key", secondKey.toString(), "--generate");
        charges(database, agentId, policyId, 7, 25);
        ok("merkle", "backfill", "--signing-key", secondKey.toString(), "--batch-size", "10");
        charges(database, agentId, policyId, 3, 32);

        bundle = cli.home().resolve("out").resolve("ledger.json");
        String text = ok("ledger", "export", "--file", bundle.toString(), "--format", "json");
        assertTrue(text.contains("Checkpoints: 4") && text.contains("Events: 32"), text);
        assertTrue(text.contains("3 events not yet signed, not exported"), text);
        JsonNode json = JSON.readTree(Files.readString(bundle));
        assertEquals("caracal-ledger-bundle", json.get("format").asText());
        assertEquals(2, json.get("public_keys").size());
        batches = new java.util.ArrayList<>();
        json.get("checkpoints").forEach(c -> batches.add(c.get("batch_id").asText()));
        changedEvent = UUID.fromString(json.get("checkpoints").get(1).get("events").get(3).get("event_id").asText());
        binary = cli.home().resolve("out").resolve("ledger.bundle");
        assertTrue(ok("ledger", "export", "--file", binary.toString()).contains("Events: 32"));

        firstPublic = Files.writeString(cli.home().resolve("k1.pub"), PemKeys.publicPem(PemKeys.readPrivate(firstKey).publicKey()));
        secondPublic = Files.writeString(cli.home().resolve("k2.pub"), PemKeys.publicPem(PemKeys.readPrivate(secondKey).publicKey()));
    }

    /** No database: DB_HOST names a port where nothing listens, so any connection attempt would fail the command. */
    private static CliRunner.Result offline(String... args) {
        Map<String, String> env = new HashMap<>(cli.env());
        env.put("DB_HOST", "127.0.0.1");
        env.put("DB_PORT", "1");
        return cli.runWith(env, args);
    }

    private static CliRunner.Result verify(Path file, Path... keys) {
        List<String> args = new java.util.ArrayList<>(List.of("ledger", "verify", "--bundle", file.toString()));
        for (Path key : keys) {
            args.add("--public-key");
            args.add(key.toString());
        }
        return offline(args.toArray(String[]::new));
    }

    @Test
    void verifiesOfflineWithTheOperatorsKeys() throws Exception {
        CliRunner.Result result = verify(bundle, firstPublic, secondPublic);
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.out().contains("Integrity: PASSED") && result.out().contains("Tamper Detected: No"), result.out());
        assertTrue(result.out().contains("Events Checked: 32") && result.out().contains("(given with --public-key)"), result.out());
        assertFalse(result.out().contains("NOTICE"), result.out());

        JsonNode json = JSON.readTree(offline("ledger", "verify", "--bundle", bundle.toString(), "--public-key", firstPublic.toString(),
                "--public-key", secondPublic.toString(), "-o", "json").out());
        assertTrue(json.get("verification").get("passed").asBoolean(), json.toString());
        assertEquals(4, json.get("verification").get("checkpoints").size());
        assertFalse(json.get("keys_from_bundle").asBoolean());
    }

    @Test
    void withoutKeysTrustsTheBundlesOwnAndSaysSo() {
        CliRunner.Result result = verify(bundle);
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.out().contains("Integrity: PASSED"), result.out());
        assertTrue(result.out().contains("Trusted Keys: the keys in the bundle itself") && result.out().contains("NOTICE"), result.out());
    }

    @Test
    void checkpointsOfAKeyNotTrustedFailAndAreNamed() {
        CliRunner.Result result = verify(bundle, secondPublic);
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.out().contains("Integrity: FAILED"), result.out());
        for (String batch : batches.subList(0, 3)) {
            assertTrue(result.out().contains("not validly signed by a trusted key") && result.out().contains("[checkpoint " + batch + "]"), result.out());
        }
        assertFalse(result.out().contains("[checkpoint " + batches.get(3) + "]"), "the batch k2 signed passes: " + result.out());
        assertEquals(1, result.err().lines().count(), result.err());
    }

    /** Changes one character of one field of the fourth event of the second batch. */
    private static Path tamperedField(String name, Consumer<ObjectNode> change) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(Files.readString(bundle));
        change.accept((ObjectNode) root.get("checkpoints").get(1).get("events").get(3));
        Path file = cli.home().resolve("tampered-" + name + ".json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        return file;
    }

    private static String nextChar(String text) {
        char last = text.charAt(text.length() - 1);
        char changed = Character.isDigit(last) ? (char) ('0' + (last - '0' + 1) % 10) : last == 'f' ? 'e' : (char) (last + 1);
        return text.substring(0, text.length() - 1) + changed;
    }

    private static void failsNamingTheSecondBatch(Path file) {
        CliRunner.Result result = verify(file, firstPublic, secondPublic);
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.out().contains("Integrity: FAILED") && result.out().contains("Tamper Detected: Yes"), result.out());
        assertTrue(result.out().contains("[checkpoint " + batches.get(1) + "]"), result.out());
        assertEquals(1, result.err().lines().count(), result.err());
    }

    @Test
    void everyChangedFieldOfAnEventFailsNamingItsBatch() throws Exception {
        for (String field : List.of("amount", "agent_id", "currency", "occurred_at", "recorded_at", "resource", "event_id")) {
            failsNamingTheSecondBatch(tamperedField(field, e -> e.put(field, nextChar(e.get(field).asText()))));
        }
        failsNamingTheSecondBatch(tamperedField("metadata", e -> ((ObjectNode) e.get("metadata")).put("team", "researci")));
        failsNamingTheSecondBatch(tamperedField("line", e -> {
            ObjectNode lines = (ObjectNode) e.get("budget_lines");
            String policy = lines.fieldNames().next();
            lines.put(policy, nextChar(lines.get(policy).asText()));
        }));
        failsNamingTheSecondBatch(tamperedField("leaf_index", e -> e.put("leaf_index", e.get("leaf_index").asLong() + 1)));
        failsNamingTheSecondBatch(tamperedField("hold", e -> e.put("hold_id", UUID.randomUUID().toString())));
    }

    @Test
    void removedInsertedAndSwappedEventsFail() throws Exception {
        failsNamingTheSecondBatch(tamperedEvents("removed", events -> events.remove(5)));
        failsNamingTheSecondBatch(tamperedEvents("inserted", events -> events.insert(5, events.get(4).deepCopy())));
        failsNamingTheSecondBatch(tamperedEvents("swapped", events -> {
            JsonNode third = events.get(2);
            events.set(2, events.get(3));
            events.set(3, third);
        }));
    }

    private static Path tamperedEvents(String name, Consumer<ArrayNode> change) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(Files.readString(bundle));
        change.accept((ArrayNode) root.get("checkpoints").get(1).get("events"));
        Path file = cli.home().resolve("tampered-" + name + ".json");
        JSON.writeValue(file.toFile(), root);
        return file;
    }

    @Test
    void aRangeExportHoldsOnlyItsBatchesAndVerifies() throws Exception {
        Path range = cli.home().resolve("range.json");
        // Events 12 to 14 occurred at 10:12 to 10:14: all in the second batch (leaves 10 to 19).
        ok("ledger", "export", "--file", range.toString(), "--format", "json", "--start-time", "2026-11-20T10:12:00Z", "--end-time",
                "2026-11-20T10:15:00Z");
        JsonNode json = JSON.readTree(Files.readString(range));
        assertEquals(1, json.get("checkpoints").size());
        assertEquals(batches.get(1), json.get("checkpoints").get(0).get("batch_id").asText());
        CliRunner.Result result = verify(range, firstPublic, secondPublic);
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.out().contains("events that occurred in [2026-11-20T10:12:00Z, 2026-11-20T10:15:00Z)"), result.out());

        Path twoBatches = cli.home().resolve("range2.json");
        ok("ledger", "export", "--file", twoBatches.toString(), "--format", "json", "--start-time", "2026-11-20T10:05:00Z", "--end-time",
                "2026-11-20T10:31:00Z");
        ObjectNode two = (ObjectNode) JSON.readTree(Files.readString(twoBatches));
        assertEquals(4, two.get("checkpoints").size());
        assertEquals(0, verify(twoBatches, firstPublic, secondPublic).exitCode());
        // A forged consistency proof between two checkpoints is caught.
        ArrayNode proof = (ArrayNode) two.get("consistency_proofs").get(1).get("proof");
        proof.set(0, JSON.getNodeFactory().textNode(nextChar(proof.get(0).asText())));
        JSON.writeValue(twoBatches.toFile(), two);
        CliRunner.Result forged = verify(twoBatches, firstPublic, secondPublic);
        assertEquals(1, forged.exitCode(), forged::toString);
        assertTrue(forged.out().contains("[checkpoint " + batches.get(2) + "]"), forged.out());
    }

    @Test
    void aFileThatIsNoBundleIsOneClearLine() throws Exception {
        String whole = Files.readString(bundle);
        Map<String, String> cases = Map.of(
                "{\"hello\": 1}", "not a ledger bundle",
                whole.substring(0, whole.length() / 2), "malformed or truncated JSON",
                whole.replaceFirst("\"version\" : 1", "\"version\" : 2"), "unsupported ledger bundle version 2",
                "", "not a ledger bundle",
                "[1, 2]", "not a ledger bundle");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = Files.writeString(cli.home().resolve("bad.json"), c.getKey());
            CliRunner.Result result = verify(file);
            assertEquals(1, result.exitCode(), result::toString);
            assertEquals(1, result.err().lines().count(), result.err());
            assertTrue(result.err().contains(c.getValue()), result.err());
        }
        CliRunner.Result missing = verify(cli.home().resolve("nowhere.json"));
        assertEquals(1, missing.exitCode(), missing::toString);
        assertTrue(missing.err().contains("bundle file not found"), missing.err());
        CliRunner.Result badKey = verify(bundle, bundle);
        assertEquals(1, badKey.exitCode(), badKey::toString);
        assertTrue(badKey.err().contains("not a PEM public key"), badKey.err());
        CliRunner.Result halfRange = cli.run("ledger", "export", "--file", "x.json", "--start-time", "2026-11-20T10:12:00Z");
        assertEquals(1, halfRange.exitCode(), halfRange::toString);
        assertTrue(halfRange.err().contains("give both --start-time and --end-time"), halfRange.err());
    }

    @Test
    void theDefaultBinaryBundleIsSmallAndVerifiesOfflineWithTheSameChecks() throws Exception {
        byte[] bytes = Files.readAllBytes(binary);
        assertEquals("CARACAL-LEDGER\0", new String(bytes, 0, 15, StandardCharsets.US_ASCII));
        assertTrue(bytes.length * 4 < Files.size(bundle), bytes.length + " bytes against " + Files.size(bundle) + " in JSON");
        CliRunner.Result result = verify(binary, firstPublic, secondPublic);
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.out().contains("Integrity: PASSED") && result.out().contains("Events Checked: 32"), result.out());
        CliRunner.Result untrusted = verify(binary, secondPublic);
        assertEquals(1, untrusted.exitCode(), untrusted::toString);
        for (String batch : batches.subList(0, 3)) {
            assertTrue(untrusted.out().contains("not validly signed by a trusted key") && untrusted.out().contains("[checkpoint " + batch + "]"),
                    untrusted.out());
        }
        assertFalse(untrusted.out().contains("[checkpoint " + batches.get(3) + "]"), untrusted.out());

        Path range = cli.home().resolve("range.bundle");
        ok("ledger", "export", "--file", range.toString(), "--start-time", "2026-11-20T10:12:00Z", "--end-time", "2026-11-20T10:15:00Z");
        CliRunner.Result ranged = verify(range, firstPublic, secondPublic);
        assertEquals(0, ranged.exitCode(), ranged::toString);
        assertTrue(ranged.out().contains("Events Checked: 10") && ranged.out().contains("[2026-11-20T10:12:00Z, 2026-11-20T10:15:00Z)"),
                ranged.out());
    }

    @Test
    void aChangedByteOfTheBinaryBundleFailsNamingItsBatchAndATruncatedOneIsOneLine() throws Exception {
        byte[] bytes = Files.readAllBytes(binary);
        byte[] id = ByteBuffer.allocate(16).putLong(changedEvent.getMostSignificantBits()).putLong(changedEvent.getLeastSignificantBits()).array();
        int at = -1;
        for (int i = 0; at < 0 && i + 16 <= bytes.length; i++) {
            at = Arrays.equals(bytes, i, i + 16, id, 0, 16) ? i : -1;
        }
        assertTrue(at > 0, "the event's id is in the bundle");
        byte[] changed = bytes.clone();
        changed[at + 15] ^= 1;
        failsNamingTheSecondBatch(Files.write(cli.home().resolve("changed.bundle"), changed));

        CliRunner.Result truncated = verify(Files.write(cli.home().resolve("truncated.bundle"), Arrays.copyOf(bytes, at)));
        assertEquals(1, truncated.exitCode(), truncated::toString);
        assertEquals(1, truncated.err().lines().count(), truncated.err());
        assertTrue(truncated.err().contains("the ledger bundle is truncated: it ends in checkpoint 2 (batch " + batches.get(1) + ")"),
                truncated.err());
    }
}
