package io.caracal.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runbook's new commands refuse bad input in one line on stderr, with a non-zero exit, and change nothing. */
class CliRunbookCommandsTest {

    private static void refused(CliRunner cli, String part, String... args) {
        CliRunner.Result result = cli.run(args);
        assertTrue(result.exitCode() != 0, result::toString);
        assertEquals(1, result.err().lines().count(), result::toString);
        assertTrue(result.err().contains(part), () -> "expected '" + part + "' in " + result);
    }

    @Test
    void badInputIsOneLineAndChangesNothing() {
        CliRunner cli = new CliRunner("cli_runbook_" + Long.toHexString(System.nanoTime()));
        assertEquals(0, cli.run("db", "init").exitCode());
        assertEquals(0, cli.run("agent", "create", "--name", "kept", "--owner", "o").exitCode());
        String before = cli.snapshot();

        refused(cli, "run it again with --confirm", "db", "reset");
        refused(cli, "query failed: ERROR: cannot execute DELETE in a read-only transaction", "db", "query", "DELETE FROM agents");
        refused(cli, "query failed: ERROR: syntax error", "db", "query", "SELEC 1");
        refused(cli, "limit must be between 1 and", "db", "query", "SELECT 1", "--limit", "0");
        refused(cli, "start-time must be ISO-8601", "audit", "query", "--start-time", "last tuesday");
        refused(cli, "end-time must be after start-time", "merkle", "verify-range", "--start-time", "now", "--end-time", "-1h");
        refused(cli, "snapshot not found: snapshot-latest (none taken yet", "snapshot", "restore", "--snapshot-id", "snapshot-latest");
        refused(cli, "source-version must be v0.2", "merkle", "backfill", "--source-version", "v0.3", "--signing-key", "k.pem");
        refused(cli, "a tag is 1 to 64 letters", "backup", "create", "--type", "ledger", "--tag", "no spaces");
        refused(cli, "cannot change the password of role no_such_role", "db", "rotate-password", "--role", "no_such_role");
        assertEquals(before, cli.snapshot());

        CliRunner kafka = new CliRunner("cli_runbook_k_" + Long.toHexString(System.nanoTime())).withKafka();
        refused(kafka, "no SCRAM user to rotate", "kafka", "rotate-credentials");
        refused(kafka, "mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512", "kafka", "rotate-credentials", "--username", "u", "--mechanism", "PLAIN");
    }

    @Test
    void queryIsReadOnlyAndPrintsRows() {
        CliRunner cli = new CliRunner("cli_runbook_q_" + Long.toHexString(System.nanoTime()));
        assertEquals(0, cli.run("db", "init").exitCode());
        CliRunner.Result table = cli.run("db", "query", "SELECT n, n * 2 AS twice, NULL AS nothing FROM generate_series(1, 3) n", "--limit", "2");
        assertEquals(0, table.exitCode(), table::toString);
        assertEquals(List.of("n  twice  nothing", "1  2      NULL", "2  4      NULL", "(2 rows, more not shown: raise --limit)"), table.out().lines().toList());
        CliRunner.Result json = cli.run("db", "query", "SELECT 'a' AS x", "-o", "json");
        assertEquals("{\"columns\":[\"x\"],\"rows\":[{\"x\":\"a\"}],\"truncated\":false}", json.out().strip());
    }
}
