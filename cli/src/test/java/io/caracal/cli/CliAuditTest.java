package io.caracal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.caracal.core.audit.AuditWriter;
import io.caracal.core.event.EventCodec;
import io.caracal.core.pipeline.ConsumedRecord;
import io.caracal.core.audit.AuditStore;
import io.caracal.core.store.Database;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Admin changes made with the CLI reach the audit log through the same consumer logic as from Kafka, and
 * `caracal audit query|verify` read it; a superuser's edit or deletion behind the triggers' back is reported.
 */
class CliAuditTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A database where the CLI made three admin changes and the audit consumer logged their events. */
    private static CliRunner auditedChanges(String database) throws Exception {
        CliRunner cli = new CliRunner(database);
        assertEquals(0, cli.run("db", "init").exitCode());
        String agentId = JSON.readTree(ok(cli, "agent", "create", "--name", "audited", "--owner", "ops@example.com", "-o", "json")).get("agent_id").asText();
        ok(cli, "agent", "key", "create", "--agent-id", agentId);
        ok(cli, "policy", "create", "--agent-id", agentId, "--limit", "10");
        consumeOutbox(database);
        return cli;
    }

    private static String ok(CliRunner cli, String... args) {
        CliRunner.Result result = cli.run(args);
        assertEquals(0, result.exitCode(), result::toString);
        return result.out();
    }

    /** Hands every outbox row to the audit consumer as the Kafka record the relay would publish. */
    private static void consumeOutbox(String database) throws SQLException {
        List<ConsumedRecord> records = new ArrayList<>();
        try (Connection c = connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, topic, event_key, schema_fingerprint, payload, created_at FROM event_outbox ORDER BY id")) {
            while (rs.next()) {
                records.add(new ConsumedRecord(rs.getString("topic"), 0, rs.getLong("id"), rs.getString("event_key"), rs.getBytes("payload"),
                        Map.of(EventCodec.FINGERPRINT_HEADER, rs.getString("schema_fingerprint").getBytes(StandardCharsets.UTF_8)),
                        rs.getTimestamp("created_at").getTime()));
            }
        }
        try (HikariDataSource dataSource = TestDatabase.pool(database)) {
            assertEquals(Map.of(), new AuditWriter(new AuditStore(new Database(dataSource), Clock.systemUTC())).process(records));
        }
    }

    private static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(SharedServices.postgres().jdbcUrl(database), EmbeddedPostgresServer.USER, "");
    }

    /** As the superuser: what the append-only trigger stops everyone else from doing. */
    private static void behindTheTriggersBack(String database, String statement) throws SQLException {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only");
            s.execute(statement);
            s.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only");
        }
    }

    @Test
    void queryShowsTheAdminChangesAndFiltersThem() throws Exception {
        CliRunner cli = auditedChanges("cli_audit_query");
        JsonNode rows = JSON.readTree(ok(cli, "audit", "query", "-o", "json"));
        assertEquals(3, rows.size(), rows::toString);
        assertEquals(List.of("AgentLifecycle", "AgentLifecycle", "PolicyChange"),
                List.of(rows.get(0).get("event_type").asText(), rows.get(1).get("event_type").asText(), rows.get(2).get("event_type").asText()));
        assertTrue(rows.get(0).get("details").asText().contains("\"created\""), rows.get(0).toString());
        assertTrue(rows.get(1).get("details").asText().contains("\"key_created\""), rows.get(1).toString());
        String agentId = rows.get(0).get("agent_id").asText();

        assertEquals(1, JSON.readTree(ok(cli, "audit", "query", "--event-type", "policychange", "-o", "json")).size());
        assertEquals(3, JSON.readTree(ok(cli, "audit", "query", "--agent-id", agentId, "-o", "json")).size());
        assertEquals(0, JSON.readTree(ok(cli, "audit", "query", "--agent-id", "00000000-0000-0000-0000-000000000001", "-o", "json")).size());
        assertEquals(2, JSON.readTree(ok(cli, "audit", "query", "--limit", "2", "-o", "json")).size());
        assertEquals(0, JSON.readTree(ok(cli, "audit", "query", "--start-time", "2999-01-01T00:00:00Z", "-o", "json")).size());
        assertEquals(3, JSON.readTree(ok(cli, "audit", "query", "--start-time", "2000-01-01T00:00:00Z", "--end-time", "2999-01-01T00:00:00Z",
                "-o", "json")).size());

        String table = ok(cli, "audit", "query");
        assertTrue(table.startsWith("SEQ"), table);
        assertTrue(table.contains("caracal.policy.changes") && table.contains("Total: 3 row(s)"), table);
    }

    @Test
    void eventTypeTakesTheRunbookNamesAndCommaListsAndRefusesUnknownOnes() throws Exception {
        CliRunner cli = auditedChanges("cli_audit_types");
        assertEquals(3, JSON.readTree(ok(cli, "audit", "query", "--event-type", "policy_change,agent_lifecycle", "-o", "json")).size());
        assertEquals(1, JSON.readTree(ok(cli, "audit", "query", "--event-type", "policy_change", "-o", "json")).size());
        assertEquals(2, JSON.readTree(ok(cli, "audit", "query", "--event-type", " agent_lifecycle , metering_event", "-o", "json")).size());
        assertEquals(1, JSON.readTree(ok(cli, "audit", "query", "--event-type", "PolicyChange", "-o", "json")).size());
        CliKafkaTest.assertRefused(cli, 1, "unknown event type 'PolicyChanges': expected one of metering_event, policy_decision,"
                + " agent_lifecycle, policy_change", "audit", "query", "--event-type", "PolicyChanges");
        CliKafkaTest.assertRefused(cli, 1, "unknown event type 'ledger'", "audit", "query", "--event-type", "policy_change,ledger");
    }

    @Test
    void verifyPassesThenNamesTheRowASuperuserEdited() throws Exception {
        CliRunner cli = auditedChanges("cli_audit_edited");
        assertEquals("Audit log integrity: PASSED (3 rows checked)", ok(cli, "audit", "verify").lines().findFirst().orElseThrow());
        String eventId = JSON.readTree(ok(cli, "audit", "query", "-o", "json")).get(1).get("event_id").asText();

        behindTheTriggersBack("cli_audit_edited", "UPDATE audit_log SET details = replace(details, 'key_created', 'nothing') WHERE seq = 2");
        CliRunner.Result result = cli.run("audit", "verify");
        assertEquals(1, result.exitCode(), result::toString);
        assertEquals(List.of("Audit log integrity: FAILED",
                        "Tamper Detected: row 2 (event " + eventId + ", topic caracal.agent.lifecycle): its content does not match its hash: the row was changed"),
                result.out().lines().toList());
        assertEquals(1, result.err().lines().count(), result::toString);

        JsonNode json = JSON.readTree(cli.run("audit", "verify", "-o", "json").out());
        assertEquals(false, json.get("intact").asBoolean());
        assertEquals(2, json.get("broken_seq").asLong());
    }

    @Test
    void verifyNamesADeletedMiddleRow() throws Exception {
        CliRunner cli = auditedChanges("cli_audit_deleted");
        behindTheTriggersBack("cli_audit_deleted", "DELETE FROM audit_log WHERE seq = 2");
        CliRunner.Result result = cli.run("audit", "verify");
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.out().contains("Tamper Detected: row 2: missing"), result::toString);
    }

    @Test
    void theLogCannotBeChangedThroughTheDatabase() throws Exception {
        auditedChanges("cli_audit_append_only");
        for (String statement : List.of("UPDATE audit_log SET details = '' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 3")) {
            try (Connection c = connect("cli_audit_append_only"); Statement s = c.createStatement()) {
                SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> s.execute(statement));
                assertTrue(e.getMessage().contains("append-only"), e.getMessage());
            }
        }
    }

    @Test
    void badFiltersAreRefusedWithOneLine() {
        CliRunner cli = new CliRunner("cli_audit_bad_input");
        assertEquals(0, cli.run("db", "init").exitCode());
        for (String[] args : List.of(
                new String[] {"audit", "query", "--start-time", "yesterday"},
                new String[] {"audit", "query", "--start-time", "2026-02-01T00:00:00Z", "--end-time", "2026-01-01T00:00:00Z"},
                new String[] {"audit", "query", "--agent-id", "not-a-uuid"},
                new String[] {"audit", "query", "--limit", "0"},
                new String[] {"audit", "query", "--limit", "10001"},
                new String[] {"audit", "query", "--limit", "99999999999"})) {
            CliRunner.Result result = cli.run(args);
            assertTrue(result.exitCode() != 0, result::toString);
            assertEquals("", result.out(), result::toString);
            assertEquals(1, result.err().lines().count(), result::toString);
            assertTrue(result.err().startsWith("Error: "), result::toString);
        }
    }
}
