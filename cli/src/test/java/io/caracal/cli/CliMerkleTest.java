package io.caracal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;
import io.caracal.core.ledger.Checkpoint;
import io.caracal.core.ledger.NoteKey;
import io.caracal.core.ledger.SignedNotes;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.merkle.Proofs;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `caracal merkle` end to end on real PostgreSQL: ledger rows are signed by backfill, verify-range passes, a key
 * rotation keeps the old checkpoints verifiable, and a charge changed in the database is named with exit 1.
 */
class CliMerkleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String ok(CliRunner cli, String... args) {
        CliRunner.Result result = cli.run(args);
        assertEquals(0, result.exitCode(), result::toString);
        return result.out();
    }

    /** Charges as the ledger consumer writes them (rows, no holds), straight into the database. */
    private static void charges(String database, String agentId, int count, int from) throws Exception {
        try (Connection c = DriverManager.getConnection(SharedServices.postgres().jdbcUrl(database), EmbeddedPostgresServer.USER, "");
             Statement st = c.createStatement()) {
            for (int i = from; i < from + count; i++) {
                st.execute("INSERT INTO ledger_events (event_id, agent_id, amount, currency, occurred_at, recorded_at, metadata) VALUES ('"
                        + UUID.randomUUID() + "', '" + agentId + "', " + (i + 1) + ".25, 'USD', '2026-11-20T10:00:00Z'::timestamptz + interval '"
                        + i + " minutes', now(), '{\"n\": \"" + i + "\"}')");
            }
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    /** The checkpoint a note signs, checked with the public half of the PEM key only. */
    private static Checkpoint signed(String note, Path privateKey) throws Exception {
        return SignedNotes.verify(note, List.of(new NoteKey("caracal-ledger", PemKeys.readPrivate(privateKey).publicKey()))).checkpoint();
    }

    private static List<byte[]> hashes(JsonNode hex) {
        List<byte[]> hashes = new ArrayList<>();
        hex.forEach(h -> hashes.add(HEX.parseHex(h.asText())));
        return hashes;
    }

    @Test
    void signsVerifiesAcrossAKeyRotationAndNamesATamperedCharge() throws Exception {
        String database = "cli_merkle_" + Long.toHexString(System.nanoTime());
        CliRunner cli = new CliRunner(database);
        ok(cli, "db", "init");
        String agentId = JSON.readTree(ok(cli, "agent", "create", "--name", "signed", "--owner", "ops@example.com", "-o", "json"))
                .get("agent_id").asText();
        String firstKey = cli.home().resolve("k1.pem").toString();
        String secondKey = cli.home().resolve("k2.pem").toString();

        charges(database, agentId, 25, 0);
        ok(cli, "merkle", "rotate-keys", "--new-key", firstKey, "--generate");
        JsonNode first = JSON.readTree(ok(cli, "merkle", "backfill", "--signing-key", firstKey, "--batch-size", "10", "-o", "json"));
        assertEquals(25, first.get("appended").asLong());
        assertEquals(3, first.get("checkpoints_signed").asLong(), "10 + 10 + 5");

        // Rotation: new events are signed with the new key, and the old checkpoints still verify.
        ok(cli, "merkle", "rotate-keys", "--new-key", secondKey, "--generate");
        charges(database, agentId, 7, 25);
        JsonNode second = JSON.readTree(ok(cli, "merkle", "backfill", "--signing-key", secondKey, "--batch-size", "10", "-o", "json"));
        assertEquals(7, second.get("appended").asLong());
        assertTrue(!second.get("key_id").asText().equals(first.get("key_id").asText()), "a different key signs after the rotation");

        JsonNode report = JSON.readTree(ok(cli, "merkle", "verify-range", "--start-time", "2026-11-20T00:00:00Z", "--end-time",
                "2026-11-21T00:00:00Z", "-o", "json"));
        assertTrue(report.get("passed").asBoolean(), report.toString());
        assertEquals(4, report.get("checkpoints").size());
        assertEquals(32, report.get("events_checked").asLong());
        String batch = report.get("checkpoints").get(1).get("batch_id").asText();

        // Trust anchored outside the database: only the keys given are trusted, whatever merkle_keys holds.
        Path firstPublic = Files.writeString(cli.home().resolve("k1.pub"), PemKeys.publicPem(PemKeys.readPrivate(Path.of(firstKey)).publicKey()));
        Path secondPublic = Files.writeString(cli.home().resolve("k2.pub"), PemKeys.publicPem(PemKeys.readPrivate(Path.of(secondKey)).publicKey()));
        assertTrue(ok(cli, "merkle", "verify-range", "--start-time", "2026-11-20T00:00:00Z", "--end-time", "2026-11-21T00:00:00Z",
                "--public-key", firstPublic.toString(), "--public-key", secondPublic.toString()).contains("Integrity: PASSED"));
        CliRunner.Result untrusted = cli.run("merkle", "verify-range", "--start-time", "2026-11-20T00:00:00Z", "--end-time", "2026-11-21T00:00:00Z",
                "--public-key", secondPublic.toString(), "-o", "json");
        assertEquals(1, untrusted.exitCode(), untrusted::toString);
        JsonNode partly = JSON.readTree(untrusted.out());
        for (int i = 0; i < 4; i++) {
            assertEquals(i < 3, partly.get("checkpoints").get(i).get("signature").asText().startsWith("Invalid"), partly.toString());
        }
        assertEquals(1, cli.run("merkle", "verify-batch", "--batch-id", batch, "--public-key", cli.home().resolve("missing.pub").toString())
                .exitCode());
        assertTrue(ok(cli, "merkle", "verify-batch", "--batch-id", batch).contains("Integrity: PASSED"));

        String victim;
        try (Connection c = DriverManager.getConnection(SharedServices.postgres().jdbcUrl(database), EmbeddedPostgresServer.USER, "");
             Statement st = c.createStatement()) {
            var rs = st.executeQuery("SELECT event_id FROM merkle_leaves WHERE leaf_index = 13");
            rs.next();
            victim = rs.getString(1);
        }
        // Proofs a third party checks with the public key alone: leaf 13 (signed under the first key) in the latest
        // checkpoint (signed under the second), and the first checkpoint's tree inside the last one's.
        JsonNode inclusion = JSON.readTree(ok(cli, "merkle", "prove-inclusion", "--event-id", victim, "-o", "json"));
        Checkpoint latest = signed(inclusion.get("signed_note").asText(), cli.home().resolve("k2.pem"));
        assertEquals(32, latest.size());
        Proofs.verifyInclusion(13, latest.size(), HEX.parseHex(inclusion.get("leaf_hash").asText()), hashes(inclusion.get("proof")), latest.root());
        JsonNode consistency = JSON.readTree(ok(cli, "merkle", "prove-consistency", "--from-batch-id",
                report.get("checkpoints").get(0).get("batch_id").asText(), "--to-batch-id", report.get("checkpoints").get(3).get("batch_id").asText(),
                "-o", "json"));
        Checkpoint oldest = signed(consistency.get("from_signed_note").asText(), cli.home().resolve("k1.pem"));
        Proofs.verifyConsistency(oldest.size(), latest.size(), oldest.root(), latest.root(), hashes(consistency.get("proof")));

        // A superuser lowers one charge behind the triggers' back.
        try (Connection c = DriverManager.getConnection(SharedServices.postgres().jdbcUrl(database), EmbeddedPostgresServer.USER, "");
             Statement st = c.createStatement()) {
            st.execute("SET session_replication_role = replica");
            st.execute("UPDATE ledger_events SET amount = 0.01 WHERE event_id = '" + victim + "'");
        }
        CliRunner.Result tampered = cli.run("merkle", "verify-range", "--start-time", "2026-11-20T00:00:00Z", "--end-time", "2026-11-21T00:00:00Z");
        assertEquals(1, tampered.exitCode(), tampered::toString);
        assertTrue(tampered.out().contains("Integrity: FAILED") && tampered.out().contains("Tamper Detected: Yes"), tampered.out());
        assertTrue(tampered.out().contains("Event " + victim + " (leaf 13)") && tampered.out().contains("[checkpoint " + batch + "]"), tampered.out());
        assertEquals(1, tampered.err().lines().count(), tampered.err());
        CliRunner.Result event = cli.run("merkle", "verify-event", "--event-id", victim);
        assertEquals(1, event.exitCode(), event::toString);
        CliRunner.Result noProof = cli.run("merkle", "prove-inclusion", "--event-id", victim);
        assertEquals(1, noProof.exitCode(), noProof::toString);
        assertTrue(noProof.err().contains("does not verify against checkpoint"), noProof.err());

        CliRunner.Result badTime = cli.run("merkle", "verify-range", "--start-time", "yesterday", "--end-time", "2026-11-21T00:00:00Z");
        assertEquals(1, badTime.exitCode());
        assertTrue(badTime.err().contains("start-time must be ISO-8601 (2026-01-01T00:00:00Z), a date"), badTime.err());
    }
}
