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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `caracal ledger query` on real PostgreSQL: exact totals, counts and averages per currency, each charge with --charges, and its refusals. */
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

    /** The CLI on a database of its own, initialised. */
    private static CliRunner initialised(String database) {
        CliRunner cli = new CliRunner(database);
        assertEquals(0, run(cli, "db", "init").exitCode());
        return cli;
    }

    private static String agent(CliRunner cli, String name) throws Exception {
        return json(cli, "agent", "create", "--name", name, "--owner", "ops@example.com", "-o", "json").get("agent_id").asText();
    }

    private static void charge(String database, String agentId, String amount, String currency, String occurredAt) throws Exception {
        charge(database, agentId, amount, currency, occurredAt, "{}");
    }

    /** Records a charge as the gateway does, with how it was priced in its metadata; returns its event id. */
    private static String charge(String database, String agentId, String amount, String currency, String occurredAt, String metadata)
            throws Exception {
        String eventId = UUID.randomUUID().toString();
        sql(database, "INSERT INTO ledger_events (event_id, agent_id, amount, currency, occurred_at, recorded_at, resource, metadata) VALUES ('"
                + eventId + "', '" + agentId + "', " + amount + ", '" + currency + "', " + occurredAt + ", now(), 'api.example.com', '" + metadata + "')");
        return eventId;
    }

    private static void sql(String database, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(SharedServices.postgres().jdbcUrl(database), EmbeddedPostgresServer.USER, "");
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void summarisesAnAgentsChargesPerCurrencyExactly() throws Exception {
        String database = "cli_ledger_query_" + Long.toHexString(System.nanoTime());
        CliRunner cli = initialised(database);
        String agent = agent(cli, "queried");
        String other = agent(cli, "other");
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
    void listsEachChargeWithThePriceVersionAndTokensItWasPricedWith() throws Exception {
        String database = "cli_ledger_charges_" + Long.toHexString(System.nanoTime());
        CliRunner cli = initialised(database);
        String agent = agent(cli, "priced");
        String policy = json(cli, "policy", "create", "--agent-id", agent, "--limit", "10", "-o", "json").get("policy_id").asText();
        String llm = charge(database, agent, "0.00475", "USD", "'2026-12-01T10:00:00.123456Z'", """
                {"model": "gpt-4o", "price_version": "gpt-4o@2026-12-01T00:00:00Z", "max_output_tokens": "1000",
                 "tokens.input": "1200", "tokens.cached_input": "200", "tokens.cache_write_5m": "0", "tokens.cache_write_1h": "0",
                 "tokens.output": "150", "tokens.reasoning": "0", "request_id": "req-1", "method": "POST", "destination": "api.openai.com",
                 "status_code": "200", "estimated_cost": "0.0125"}""");
        sql(database, "INSERT INTO ledger_event_lines (event_id, policy_id, amount) VALUES ('" + llm + "', '" + policy + "', 0.00475)");
        String mcp = charge(database, agent, "0.05", "USD", "'2026-12-01T11:00:00Z'", """
                {"resource": "mcp.github.tool.create_issue", "request_id": "req-2", "status_code": "200", "estimated_cost": "0.05"}""");
        String unreported = charge(database, agent, "0.019", "USD", "'2026-12-01T12:00:00Z'", """
                {"model": "o3-mini", "price_version": "o3-mini@2026-11-15T00:00:00Z", "max_output_tokens": "4000", "clamped_from": "8000",
                 "usage": "not_reported", "stream_end": "client_closed", "request_id": "req-3", "status_code": "200", "estimated_cost": "0.019"}""");
        charge(database, agent, "9", "USD", "'2026-12-02T00:00:00Z'"); // after the range
        String[] december = {"ledger", "query", "--agent-id", agent, "--start-time", "2026-12-01T00:00:00Z", "--end-time", "2026-12-02T00:00:00Z"};

        JsonNode all = json(cli, with(december, "--charges", "-o", "json"));
        assertEquals("0.07375", all.get("currencies").get(0).get("total_spending").asText(), all.toString());
        JsonNode charges = all.get("charges");
        assertEquals(3, charges.size(), all.toString());
        assertEquals(0, all.get("charges_not_shown").asLong());
        JsonNode first = charges.get(0);
        assertEquals(llm, first.get("event_id").asText());
        assertEquals(agent, first.get("agent_id").asText());
        assertEquals("0.00475", first.get("amount").asText());
        assertEquals("USD", first.get("currency").asText());
        assertEquals("2026-12-01T10:00:00.123456Z", first.get("occurred_at").asText());
        assertEquals("api.example.com", first.get("resource").asText());
        assertEquals("0.00475", first.get("budget_lines").get(policy).asText());
        assertEquals("gpt-4o@2026-12-01T00:00:00Z", first.get("metadata").get("price_version").asText());
        assertEquals(14, first.get("metadata").size(), "the whole metadata map: " + first);
        assertEquals("1200", first.get("metadata").get("tokens.input").asText());
        assertEquals("0.0125", first.get("metadata").get("estimated_cost").asText());
        assertEquals(mcp, charges.get(1).get("event_id").asText());
        assertEquals("mcp.github.tool.create_issue", charges.get(1).get("metadata").get("resource").asText());
        assertEquals(0, charges.get(1).get("budget_lines").size());
        assertEquals(unreported, charges.get(2).get("event_id").asText());
        assertEquals("8000", charges.get(2).get("metadata").get("clamped_from").asText());

        CliRunner.Result text = run(cli, with(december, "--charges"));
        assertEquals(0, text.exitCode(), text::toString);
        String out = text.out();
        assertTrue(out.contains("  Average Cost per Event: $0.024583333 USD\n\nCharges (oldest first):\nTIME "), out);
        assertTrue(out.indexOf(llm) < out.indexOf(mcp) && out.indexOf(mcp) < out.indexOf(unreported), "oldest first: " + out);
        assertTrue(line(out, llm).matches("2026-12-01T10:00:00Z +" + llm + " +\\$0\\.00475 USD +gpt-4o +gpt-4o@2026-12-01T00:00:00Z"
                + " +input=1200 cached_input=200 output=150"), out);
        assertTrue(line(out, mcp).matches("2026-12-01T11:00:00Z +" + mcp + " +\\$0\\.05 USD +mcp\\.github\\.tool\\.create_issue"), out);
        assertTrue(line(out, unreported).matches(".*\\$0\\.019 USD +o3-mini +o3-mini@2026-11-15T00:00:00Z +not reported"), out);
        assertFalse(out.contains("more not shown"), out);

        JsonNode cut = json(cli, with(december, "--charges", "--limit", "2", "-o", "json"));
        assertEquals(2, cut.get("charges").size(), cut.toString());
        assertEquals(mcp, cut.get("charges").get(1).get("event_id").asText());
        assertEquals(1, cut.get("charges_not_shown").asLong());
        assertEquals(3, cut.get("currencies").get(0).get("event_count").asLong(), "the summary still counts every charge");
        String cutText = run(cli, with(december, "--charges", "--limit", "2")).out();
        assertFalse(cutText.contains(unreported), cutText);
        assertTrue(cutText.endsWith("\n1 more not shown (--limit 2)\n"), cutText);

        JsonNode summaryOnly = json(cli, with(december, "-o", "json"));
        assertTrue(summaryOnly.get("charges").isNull() && summaryOnly.get("charges_not_shown").isNull(), "not asked for: " + summaryOnly);
        assertFalse(run(cli, december).out().contains("Charges"));
        CliRunner.Result none = run(cli, "ledger", "query", "--agent-id", agent, "--start-time", "2030-01-01T00:00:00Z", "--end-time",
                "2030-02-01T00:00:00Z", "--charges");
        assertTrue(none.out().endsWith("  Event Count: 0\n\nCharges: none\n"), none::toString);
        assertEquals(0, json(cli, "ledger", "query", "--agent-id", agent, "--start-time", "2030-01-01T00:00:00Z", "--end-time",
                "2030-02-01T00:00:00Z", "--charges", "-o", "json").get("charges").size());
    }

    private static String[] with(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    /** The one line of the output that names this charge, without trailing blanks. */
    private static String line(String out, String eventId) {
        return out.lines().filter(l -> l.contains(eventId)).findFirst().orElseThrow().stripTrailing();
    }

    @Test
    void refusesBadQueriesWithOneLine() {
        CliRunner cli = initialised("cli_ledger_query_bad_" + Long.toHexString(System.nanoTime()));
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

        String[][] badLimits = { // the message, then the options
                {"limit must be between 1 and 10000, got 0", "--charges", "--limit", "0"},
                {"limit must be between 1 and 10000, got -1", "--charges", "--limit", "-1"},
                {"limit must be between 1 and 10000, got 10001", "--charges", "--limit", "10001"},
                {"Invalid value for option '--limit': 'x' is not an int", "--charges", "--limit", "x"},
                {"Missing required argument(s): --charges", "--limit", "5"}};
        for (String[] refusal : badLimits) {
            CliRunner.Result result = run(cli, with(new String[]{"ledger", "query", "--agent-id", UUID.randomUUID().toString(),
                    "--time-window", "daily"}, java.util.Arrays.copyOfRange(refusal, 1, refusal.length)));
            assertNotEquals(0, result.exitCode(), result::toString);
            assertEquals("", result.out(), result::toString);
            assertEquals(1, result.err().strip().lines().count(), result::toString);
            assertTrue(result.err().startsWith("Error: " + refusal[0]), result::toString);
        }
    }
}
