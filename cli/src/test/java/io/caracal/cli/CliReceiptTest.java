package io.caracal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.receipt.Receipt;
import io.caracal.core.receipt.ReceiptSigner;
import io.caracal.embedded.EmbeddedPostgresServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `caracal receipt` on real PostgreSQL: a receipt signed with a registered key verifies against the ledger, and against
 * the Merkle log once a checkpoint covers it; one changed character, an unknown key, or a ledger that says otherwise is
 * one error line and exit 1; with --public-key and no database it checks the signature alone.
 */
class CliReceiptTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant TIME = Instant.parse("2026-11-20T10:00:00.123456Z");
    private static CliRunner cli;
    private static String agentId;
    private static Path keyFile;
    private static ReceiptSigner signer;

    @BeforeAll
    static void setUp() throws Exception {
        cli = new CliRunner("cli_receipt_" + Long.toHexString(System.nanoTime()));
        ok("db", "init");
        agentId = JSON.readTree(ok("agent", "create", "--name", "receipted", "--owner", "ops@example.com", "-o", "json")).get("agent_id").asText();
        keyFile = cli.home().resolve("keys/receipt_signing_key.pem");
        JsonNode rotation = JSON.readTree(ok("receipt", "rotate-keys", "--out", keyFile.toString(), "-o", "json"));
        PemKeys.SigningKey key = PemKeys.readPrivate(keyFile);
        signer = new ReceiptSigner(key.privateKey(), key.publicKey());
        assertEquals(signer.keyId(), rotation.get("key_id").asText());
        assertEquals(keyFile.toAbsolutePath().toString(), rotation.get("key_file").asText());
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(keyFile));
    }

    private static String ok(String... args) {
        CliRunner.Result result = cli.run(args);
        assertEquals(0, result.exitCode(), result::toString);
        return result.out();
    }

    /** Fails with exit 1, nothing on stdout and exactly {@code error} as the one line on stderr. */
    private static void refused(CliRunner.Result result, String error) {
        assertEquals(1, result.exitCode(), result::toString);
        assertEquals("", result.out(), result::toString);
        assertEquals(List.of("Error: " + error), result.err().lines().toList());
    }

    /** A charge of the agent's, as the settlement writes it; returns its event id. */
    private static UUID charge(String amount) throws Exception {
        UUID eventId = UUID.randomUUID();
        try (Connection c = DriverManager.getConnection(cli.jdbcUrl(), EmbeddedPostgresServer.USER, "");
             PreparedStatement ps = c.prepareStatement("INSERT INTO ledger_events (event_id, agent_id, amount, currency, occurred_at, recorded_at,"
                     + " resource, metadata) VALUES (?, ?::uuid, ?::numeric, 'USD', ?, now(), 'api.example.com', '{\"price_version\": \"v7\"}')")) {
            ps.setObject(1, eventId);
            ps.setString(2, agentId);
            ps.setString(3, amount);
            ps.setObject(4, TIME.atOffset(ZoneOffset.UTC));
            ps.executeUpdate();
        }
        return eventId;
    }

    private static String receipt(UUID eventId, String amount, ReceiptSigner by) {
        return by.sign(new Receipt(eventId, UUID.fromString(agentId), Money.parse("amount", amount, new CurrencyCode("USD")), "v7", TIME,
                by.keyId()));
    }

    private static void asSuperuser(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(cli.jdbcUrl(), EmbeddedPostgresServer.USER, ""); Statement st = c.createStatement()) {
            st.execute("SET session_replication_role = replica");
            st.execute(sql);
        }
    }

    @Test
    void anUntouchedReceiptVerifiesAgainstTheLedgerAndThenItsCheckpoint() throws Exception {
        UUID eventId = charge("0.30");
        String receipt = receipt(eventId, "0.30", signer);

        JsonNode pending = JSON.readTree(ok("receipt", "verify", receipt, "--json"));
        assertEquals(eventId.toString(), pending.get("event_id").asText());
        assertEquals(agentId, pending.get("agent_id").asText());
        assertEquals("0.30", pending.get("amount").asText());
        assertEquals("USD", pending.get("currency").asText());
        assertEquals("v7", pending.get("price_version").asText());
        assertEquals(TIME.toString(), pending.get("time").asText());
        assertEquals("valid", pending.get("signature").asText());
        assertEquals("matches", pending.get("ledger").asText());
        assertEquals("not yet in a checkpoint", pending.get("checkpoint").asText());
        assertTrue(pending.get("batch_id").isNull());

        Path merkleKey = cli.home().resolve("keys/merkle_signing_key.pem");
        ok("merkle", "rotate-keys", "--new-key", merkleKey.toString(), "--generate");
        ok("merkle", "backfill", "--signing-key", merkleKey.toString());
        String text = ok("receipt", "verify", receipt);
        assertTrue(text.contains("  Amount: $0.30 USD\n") && text.contains("  Signature: Valid (key " + signer.keyId() + ", registered)\n")
                && text.contains("  Ledger: matches (agent, amount, currency, time)\n"), text);
        JsonNode included = JSON.readTree(ok("receipt", "verify", receipt, "-o", "json"));
        assertEquals("included", included.get("checkpoint").asText());
        JsonNode batch = JSON.readTree(ok("merkle", "verify-event", "--event-id", eventId.toString(), "-o", "json")).get("checkpoints").get(0);
        assertEquals(batch.get("batch_id").asText(), included.get("batch_id").asText());
        assertEquals(batch.get("tree_size").asLong(), included.get("tree_size").asLong());
        assertTrue(text.contains("  Checkpoint: " + batch.get("batch_id").asText() + " (tree size " + batch.get("tree_size").asLong()
                + "): included in the signed Merkle log\n"), text);

        // A field the receipt does not carry is changed behind the triggers' back: the receipt still matches the row, the log does not.
        asSuperuser("UPDATE ledger_events SET resource = 'elsewhere.example.com' WHERE event_id = '" + eventId + "'");
        CliRunner.Result tampered = cli.run("receipt", "verify", receipt);
        refused(tampered, "ledger integrity FAILED for event " + eventId + ": was changed (or moved) after it was signed"
                + " (see caracal merkle verify-event --event-id " + eventId + ")");
    }

    @Test
    void oneChangedCharacterAnywhereIsRefused() throws Exception {
        String receipt = receipt(charge("0.30"), "0.30", signer);
        int dot = receipt.indexOf('.');
        for (int at : List.of(0, dot / 2, dot - 1, dot, dot + 1, receipt.length() - 1)) {
            char original = receipt.charAt(at);
            String changed = receipt.substring(0, at) + (original == 'A' ? 'B' : 'A') + receipt.substring(at + 1);
            CliRunner.Result result = cli.run("receipt", "verify", changed);
            assertEquals(1, result.exitCode(), "position " + at + ": " + result);
            assertEquals(1, result.err().lines().count(), result::toString);
            assertTrue(result.err().startsWith("Error: receipt signature does not match key " + signer.keyId())
                    || result.err().startsWith("Error: malformed receipt: "), result::toString);
        }
        // Inside the payload, away from its last character and its key id: well formed, so the signature says no.
        String inPayload = receipt.substring(0, 5) + (receipt.charAt(5) == 'x' ? 'y' : 'x') + receipt.substring(6);
        CliRunner.Result payloadByte = cli.run("receipt", "verify", inPayload);
        refused(payloadByte, "receipt signature does not match key " + signer.keyId() + ": the receipt was altered, or another key signed it");
    }

    @Test
    void anUnknownKeyAMissingChargeOrADifferentChargeIsRefused() throws Exception {
        PemKeys.SigningKey stranger = PemKeys.generate();
        ReceiptSigner strangerSigner = new ReceiptSigner(stranger.privateKey(), stranger.publicKey());
        UUID eventId = charge("0.30");
        refused(cli.run("receipt", "verify", receipt(eventId, "0.30", strangerSigner)), "receipt signed by unknown key " + strangerSigner.keyId());
        refused(cli.run("receipt", "verify", receipt(eventId, "0.31", signer)), "the ledger does not match the receipt of event " + eventId
                + ": amount 0.31 USD in the receipt, 0.30 USD in the ledger");
        UUID unrecorded = UUID.randomUUID();
        refused(cli.run("receipt", "verify", receipt(unrecorded, "0.30", signer)), "ledger event not found: " + unrecorded);
        refused(cli.run("receipt", "verify", "not-a-receipt"), "malformed receipt: not <payload>.<signature>");
        refused(cli.run("receipt", "verify"), "give the receipt as an argument or with --file FILE, one of the two");
    }

    @Test
    void withThePublicKeyAndNoDatabaseOnlyTheSignatureIsChecked() throws Exception {
        String receipt = receipt(UUID.randomUUID(), "0.30", signer);
        Path publicKey = Files.writeString(cli.home().resolve("receipt.pub"), PemKeys.publicPem(signer.publicKey()));
        Path receiptFile = Files.writeString(cli.home().resolve("receipt.txt"), receipt + "\n");
        Map<String, String> offline = Map.of("CARACAL_HOME", Files.createTempDirectory("caracal-offline").toString());

        CliRunner.Result result = cli.runWith(offline, "receipt", "verify", "--file", receiptFile.toString(), "--public-key", publicKey.toString(),
                "-o", "json");
        assertEquals(0, result.exitCode(), result::toString);
        JsonNode view = JSON.readTree(result.out());
        assertEquals("valid", view.get("signature").asText());
        assertEquals("not checked (offline: no database configured)", view.get("ledger").asText());
        assertEquals("not checked (offline: no database configured)", view.get("checkpoint").asText());
        assertNull(view.get("tree_size").numberValue());

        PemKeys.SigningKey other = PemKeys.generate();
        Path otherKey = Files.writeString(cli.home().resolve("other.pub"), PemKeys.publicPem(other.publicKey()));
        refused(cli.runWith(offline, "receipt", "verify", receipt, "--public-key", otherKey.toString()),
                "receipt signed by unknown key " + signer.keyId());
        String altered = receipt.substring(0, 3) + (receipt.charAt(3) == 'A' ? 'B' : 'A') + receipt.substring(4);
        CliRunner.Result tampered = cli.runWith(offline, "receipt", "verify", altered, "--public-key", publicKey.toString());
        assertEquals(1, tampered.exitCode(), tampered::toString);
        assertEquals(1, tampered.err().lines().count(), tampered::toString);
        assertFalse(Files.exists(Path.of(offline.get("CARACAL_HOME")).resolve("postgres")), "no database was started");
    }

    @Test
    void aRotationKeepsEveryKeyAndNeverOverwritesOne() throws Exception {
        refused(cli.run("receipt", "rotate-keys", "--out", keyFile.toString()), keyFile + " already exists; rotate-keys never overwrites a key");
        UUID eventId = charge("1.25");
        String before = receipt(eventId, "1.25", signer);
        Path next = cli.home().resolve("keys/receipt_signing_key_2.pem");
        String text = ok("receipt", "rotate-keys", "--out", next.toString());
        PemKeys.SigningKey nextKey = PemKeys.readPrivate(next);
        String nextId = ReceiptSigner.keyId(nextKey.publicKey());
        assertTrue(text.startsWith("New receipt signing key registered: " + nextId + "\nSet RECEIPT_SIGNING_KEY_PATH="
                + next.toAbsolutePath() + " for the gateway and restart it.\nVerification keys (all kept):\n"), text);
        assertTrue(text.contains("  " + signer.keyId() + "  registered ") && text.contains("  " + nextId + "  registered "), text);
        ok("receipt", "verify", before);
        ok("receipt", "verify", receipt(eventId, "1.25", new ReceiptSigner(nextKey.privateKey(), nextKey.publicKey())));
    }

    @Test
    void helpNeedsNoDatabase() {
        Map<String, String> nothing = Map.of("CARACAL_HOME", cli.home().resolve("nowhere").toString());
        for (String command : List.of("verify", "rotate-keys")) {
            CliRunner.Result help = cli.runWith(nothing, "receipt", command, "--help");
            assertEquals(0, help.exitCode(), help::toString);
            assertTrue(help.out().startsWith("Usage: caracal receipt " + command), help.out());
        }
    }
}
