package io.caracal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `caracal ledger query` on real PostgreSQL: exact totals, counts and averages per currency, and its refusals. */
class CliLedgerQueryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static CliRunner.Result run(CliRunner cli, String... args) {
        return cli.run(args);
    }

    private static JsonNode json(CliRunner cli, String... args) throws Exception {
        CliRunner.Result result = run(cli, args);
        assertEquals(0, result.exitCode(), result::toString);
        return JSON.readTree(result.out());
    }

    private static void charge(String database, String agentId, String amount, String currency, String occurredAt) throws Exception {
        try (Connection c = DriverManager.getConnection(SharedServices.postgres().jdbcUrl(database), EmbeddedPostgresServer.USER, "");
             Statement st = c.createStatement()) {
            st.execute("INSERT INTO ledger_events (event_id, agent_id, amount, currency, occurred_at, recorded_at, metadata) VALUES ('"
                    + UUID.randomUUID() + "', '" + agentId + "', " + amount + ", '" + currency + "', " + occurredAt + ", now(), '{}')");
        }
    }

    @Test
    void summarisesAnAgentsChargesPerCurrencyExactly() throws Exception {
        String database = "cli_ledger_query_" + Long.toHexString(System.nanoTime());
        CliRunner cli = new CliRunner(database);
        assertEquals(0, run(cli, "db", "init").exitCode());
        String agent = json(cli, "agent", "create", "--name", "queried", "--owner", "ops@example.com", "-o", "json").get("agent_id").asText();
        String other = json(cli, "agent", "create", "--name", "other", "--owner", "ops@example.com", "-o", "json").get("agent_id").asText();
        charge(database, agent, "0.100000001", "USD", "'2026-01-05T10:00:00Z'");
        charge(database, agent, "0.2", "USD", "'2026-01-31T23:59:59.999999Z'");
        charge(database, agent, "0.000000002", "USD", "'2026-01-01T00:00:00Z'");
        charge(database, agent, "7", "EUR", "'2026-01-10T00:00:00Z'");
        charge(database, agent, "100", "USD", "'2026-02-01T00:00:00Z'"); // end is exclusive
        charge(database, agent, "100", "USD", "'2025-12-31T23:59:59.999999Z'");
        charge(database, other, "100", "USD", "'2026-01-05T10:00:00Z'");

        JsonNode january = json(cli, "ledger", "query", "--agent-id", agent, "--start-time", "2026-01-01T00:00:00Z",
                "--end-time", "2026-02-01T00:00:00Z", "-o", "json");
        assertEquals(2, january.get("currencies").size(), january.toString());
        JsonNode eur = january.get("currencies").get(0);
        assertEquals("EUR", eur.get("currency").asText());
        assertEquals("7.00", eur.get("total_spending").asText());
        assertEquals(1, eur.get("event_count").asLong());
        JsonNode usd = january.get("currencies").get(1);
        assertEquals("0.300000003", usd.get("total_spending").asText(), "no float rounding of nano amounts");
        assertEquals(3, usd.get("event_count").asLong());
        assertEquals("0.100000001", usd.get("average_cost_per_event").asText());

        CliRunner.Result text = run(cli, "ledger", "query", "--agent-id", agent, "--start-time", "2026-01-01T00:00:00Z",
                "--end-time", "2026-02-01T00:00:00Z");
        assertEquals(0, text.exitCode(), text::toString);
        assertTrue(text.out().contains("Spending Summary:\n  Agent ID: " + agent + "\n  Time Range: 2026-01-01T00:00:00Z to 2026-02-01T00:00:00Z\n"),
                text.out());
        assertTrue(text.out().contains("  Total Spending: $0.300000003 USD\n  Event Count: 3\n  Average Cost per Event: $0.100000001 USD\n"),
                text.out());

        // The current window: a charge ten minutes ago is in the rolling hour, one two hours ago is not.
        charge(database, other, "1.5", "USD", "now() - interval '10 minutes'");
        charge(database, other, "4", "USD", "now() - interval '2 hours'");
        JsonNode hour = json(cli, "ledger", "query", "--agent-id", other, "--time-window", "hourly", "--window-type", "rolling", "-o", "json");
        assertEquals("1.50", hour.get("currencies").get(0).get("total_spending").asText(), hour.toString());
        assertEquals(1, hour.get("currencies").get(0).get("event_count").asLong());

        JsonNode none = json(cli, "ledger", "query", "--agent-id", agent, "--start-time", "2030-01-01T00:00:00Z", "--end-time",
                "2030-02-01T00:00:00Z", "-o", "json");
        assertEquals(0, none.get("currencies").size());
        assertTrue(run(cli, "ledger", "query", "--agent-id", agent, "--start-time", "2030-01-01T00:00:00Z", "--end-time",
                "2030-02-01T00:00:00Z").out().contains("Total Spending: 0.00\n  Event Count: 0\n"));
    }

    @Test
    void refusesBadQueriesWithOneLine() {
        CliRunner cli = new CliRunner("cli_ledger_query_bad_" + Long.toHexString(System.nanoTime()));
        assertEquals(0, run(cli, "db", "init").exitCode());
        String[][] bad = {
                {"ledger", "query", "--agent-id", UUID.randomUUID().toString(), "--time-window", "daily"},
                {"ledger", "query", "--agent-id", "not-a-uuid", "--time-window", "daily"},
                {"ledger", "query", "--agent-id", UUID.randomUUID().toString()},
                {"ledger", "query", "--agent-id", UUID.randomUUID().toString(), "--time-window", "daily", "--start-time", "2026-01-01T00:00:00Z"},
                {"ledger", "query", "--agent-id", UUID.randomUUID().toString(), "--start-time", "2026-02-01T00:00:00Z", "--end-time", "2026-01-01T00:00:00Z"},
                {"ledger", "query", "--agent-id", UUID.randomUUID().toString(), "--start-time", "yesterday", "--end-time", "2026-01-01T00:00:00Z"},
                {"ledger", "query", "--agent-id", UUID.randomUUID().toString(), "--time-window", "fortnightly"},
        };
        for (String[] args : bad) {
            CliRunner.Result result = run(cli, args);
            assertEquals(1, result.exitCode(), String.join(" ", args) + " → " + result);
            assertEquals(1, result.err().strip().lines().count(), result::toString);
        }
        assertEquals(2, run(cli, "ledger", "query").exitCode(), "a missing required option is a usage error");
    }
}
