package io.caracal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `caracal backup create | list | verify` on the embedded PostgreSQL 17: pg_dump (absent, or the machine's older one) is
 * skipped with its reason in the manifest, the ledger bundle is written and verified, and a damaged backup fails.
 */
class CliBackupTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String ok(CliRunner cli, Map<String, String> env, String... args) {
        CliRunner.Result result = cli.runWith(env, args);
        assertEquals(0, result.exitCode(), result::toString);
        return result.out();
    }

    @Test
    void createsListsAndVerifiesAndFindsDamage() throws Exception {
        String database = "cli_backup_" + Long.toHexString(System.nanoTime());
        CliRunner cli = new CliRunner(database);
        Map<String, String> env = cli.env();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        ok(cli, env, "db", "init");
        String agentId = JSON.readTree(ok(cli, env, "agent", "create", "--name", "backed-up", "--owner", "ops@example.com", "-o", "json"))
                .get("agent_id").asText();
        try (Connection c = DriverManager.getConnection(SharedServices.postgres().jdbcUrl(database), EmbeddedPostgresServer.USER, "");
             Statement st = c.createStatement()) {
            st.execute("INSERT INTO ledger_events (event_id, agent_id, amount, currency, occurred_at, recorded_at) SELECT gen_random_uuid(), '"
                    + agentId + "', n + 0.5, 'USD', now(), now() FROM generate_series(1, 12) n");
        }
        Path key = cli.home().resolve("k.pem");
        ok(cli, env, "merkle", "rotate-keys", "--new-key", key.toString(), "--generate");
        ok(cli, env, "merkle", "backfill", "--signing-key", key.toString(), "--batch-size", "5");

        CliRunner.Result created = cli.runWith(env, "backup", "create", "-o", "json");
        assertEquals(0, created.exitCode(), created::toString);
        assertEquals(1, created.err().lines().count(), created.err());
        assertTrue(created.err().startsWith("Warning: database dump skipped: ") && created.err().contains("pg_dump"), created.err());
        JsonNode manifest = JSON.readTree(created.out());
        String id = manifest.get("id").asText();
        Path backup = cli.home().resolve("backups").resolve(id);
        assertEquals("full", manifest.get("type").asText());
        assertEquals("database.dump", manifest.get("skipped").get(0).get("name").asText());
        assertEquals(created.err().strip().substring("Warning: database dump skipped: ".length()), manifest.get("skipped").get(0).get("reason").asText());
        assertEquals(1, manifest.get("files").size());
        assertEquals("ledger-bundle.json", manifest.get("files").get(0).get("name").asText());
        assertEquals(Files.size(backup.resolve("ledger-bundle.json")), manifest.get("files").get(0).get("size").asLong());
        assertEquals(manifest, JSON.readTree(Files.readString(backup.resolve("manifest.json"))));
        assertFalse(manifest.get("schema_version").isNull());

        CliRunner.Result ledgerOnly = cli.runWith(env, "backup", "create", "--type", "ledger", "-o", "json");
        assertEquals(0, ledgerOnly.exitCode(), ledgerOnly::toString);
        assertTrue(ledgerOnly.err().isEmpty(), "no dump is attempted for a ledger backup: " + ledgerOnly.err());
        String ledgerId = JSON.readTree(ledgerOnly.out()).get("id").asText();

        JsonNode list = JSON.readTree(ok(cli, env, "backup", "list", "-o", "json"));
        assertEquals(2, list.size());
        assertEquals(ledgerId, list.get(0).get("id").asText(), "newest first");
        String table = ok(cli, env, "backup", "list");
        assertTrue(table.contains(id) && table.contains("skipped") && table.contains("ledger"), table);

        String verified = ok(cli, env, "backup", "verify", "--backup-id", id);
        assertTrue(verified.contains("Backup Integrity: PASSED") && verified.contains("ledger-bundle.json checksum: OK"), verified);
        assertTrue(verified.contains("Events Checked: 12") && verified.contains("Integrity: PASSED"), verified);
        assertTrue(verified.contains("database.dump present: OK (skipped when created: "), verified);

        // One byte of the bundle flipped: the checksum says so, and the ledger is not checked from a damaged file.
        Path bundle = backup.resolve("ledger-bundle.json");
        byte[] original = Files.readAllBytes(bundle);
        byte[] flipped = original.clone();
        flipped[flipped.length / 2] ^= 1;
        Files.write(bundle, flipped);
        CliRunner.Result damaged = cli.runWith(env, "backup", "verify", "--backup-id", id);
        assertEquals(1, damaged.exitCode(), damaged::toString);
        assertTrue(damaged.out().contains("ledger-bundle.json checksum: FAILED") && damaged.out().contains("Backup Integrity: FAILED"), damaged.out());
        assertEquals(1, damaged.err().lines().count(), damaged.err());

        Files.delete(bundle);
        CliRunner.Result deleted = cli.runWith(env, "backup", "verify", "--backup-id", id);
        assertEquals(1, deleted.exitCode(), deleted::toString);
        assertTrue(deleted.out().contains("ledger-bundle.json present: FAILED (missing)"), deleted.out());

        CliRunner.Result unknown = cli.runWith(env, "backup", "verify", "--backup-id", "backup-19700101-000000-0000");
        assertEquals(1, unknown.exitCode(), unknown::toString);
        assertEquals(1, unknown.err().lines().count(), unknown.err());
        assertTrue(unknown.err().contains("backup not found: backup-19700101-000000-0000"), unknown.err());
        CliRunner.Result escape = cli.runWith(env, "backup", "verify", "--backup-id", "../etc");
        assertEquals(1, escape.exitCode(), escape::toString);

        Map<String, String> noDump = cli.env();
        noDump.put("PG_DUMP", cli.home().resolve("no-such-pg_dump").toString());
        CliRunner.Result refused = cli.runWith(noDump, "backup", "create", "--type", "postgresql");
        assertEquals(1, refused.exitCode(), refused::toString);
        assertEquals(1, refused.err().lines().count(), refused.err());
        assertTrue(refused.err().contains("cannot back up the database: PG_DUMP=") && refused.err().contains("is not an executable file"), refused.err());
        try (Stream<Path> left = Files.list(cli.home().resolve("backups"))) {
            assertEquals(2, left.count(), "the refused backup left nothing behind");
        }
    }

    @Test
    void aBackupOfAnEmptyLedgerVerifies() throws Exception {
        CliRunner cli = new CliRunner("cli_backup_empty_" + Long.toHexString(System.nanoTime()));
        Map<String, String> env = cli.env();
        ok(cli, env, "db", "init");
        Path dir = cli.home().resolve("elsewhere");
        String id = JSON.readTree(ok(cli, env, "backup", "create", "--type", "ledger", "--dir", dir.toString(), "-o", "json")).get("id").asText();
        assertTrue(Files.isRegularFile(dir.resolve(id).resolve("ledger-bundle.json")));
        assertTrue(ok(cli, env, "backup", "verify", "--backup-id", id, "--dir", dir.toString()).contains("Backup Integrity: PASSED"));
        assertEquals("[]", ok(cli, env, "backup", "list", "-o", "json").strip(), "the default directory holds none");
    }
}
