package io.caracal.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runbook's operator flow, through the real CLI entry point, against real PostgreSQL. */
class CliEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static CliRunner cli;

    @BeforeAll
    static void database() {
        cli = new CliRunner("cli_end_to_end");
        CliRunner.Result init = cli.run("db", "init");
        assertEquals(0, init.exitCode(), init::toString);
    }

    private static CliRunner.Result ok(String... args) {
        CliRunner.Result result = cli.run(args);
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals("", result.err(), result::toString);
        return result;
    }

    private static JsonNode json(String... args) throws Exception {
        String[] withJson = java.util.Arrays.copyOf(args, args.length + 2);
        withJson[args.length] = "-o";
        withJson[args.length + 1] = "json";
        return JSON.readTree(ok(withJson).out());
    }

    @Test
    void operatorRegistersAnAgentAndItsBudgetAsTheRunbookShows() throws Exception {
        CliRunner.Result created = ok("agent", "create", "--name", "runbook-agent", "--description", "My AI agent", "--owner", "user@example.com");
        assertTrue(created.out().startsWith("Agent created successfully:\n"), created.out());
        assertTrue(created.out().contains("  Name: runbook-agent\n"));
        assertTrue(created.out().contains("  Owner: user@example.com\n"));
        assertTrue(created.out().contains("  Status: active\n"));
        String agentId = created.out().lines().filter(l -> l.startsWith("  Agent ID: ")).findFirst().orElseThrow().substring(12);

        JsonNode agent = json("agent", "get", "--agent-id", agentId);
        assertEquals("runbook-agent", agent.get("name").asText());
        assertEquals("My AI agent", agent.get("description").asText());
        assertEquals("active", agent.get("status").asText());
        JsonNode agents = json("agent", "list");
        assertTrue(agents.isArray());
        assertTrue(agents.findValuesAsText("agent_id").contains(agentId));

        CliRunner.Result policy = ok("policy", "create", "--agent-id", agentId, "--limit", "100.00", "--currency", "USD",
                "--time-window", "daily", "--window-type", "calendar", "--change-reason", "Initial budget allocation");
        assertTrue(policy.out().startsWith("Policy created successfully:\n"), policy.out());
        assertTrue(policy.out().contains("  Limit: $100.00 USD\n"), policy.out());
        assertTrue(policy.out().contains("  Time Window: daily (calendar)\n"), policy.out());
        String policyId = policy.out().lines().filter(l -> l.startsWith("  Policy ID: ")).findFirst().orElseThrow().substring(13);

        CliRunner.Result updated = ok("policy", "update", "--policy-id", policyId, "--limit", "250.5", "--change-reason", "Quarter-end load",
                "--changed-by", "finance@example.com");
        assertTrue(updated.out().contains("  Limit: $250.50 USD\n"), updated.out());

        JsonNode history = json("policy", "history", "--agent-id", agentId);
        assertEquals(2, history.size(), history::toString);
        assertEquals(1, history.get(0).get("version").asInt());
        assertEquals("created", history.get(0).get("change_type").asText());
        assertEquals("Initial budget allocation", history.get(0).get("change_reason").asText());
        assertEquals("test-operator", history.get(0).get("changed_by").asText());
        assertEquals(0, new BigDecimal("100").compareTo(new BigDecimal(history.get(0).get("policy").get("limit").asText())));
        assertEquals(2, history.get(1).get("version").asInt());
        assertEquals("modified", history.get(1).get("change_type").asText());
        assertEquals("Quarter-end load", history.get(1).get("change_reason").asText());
        assertEquals("finance@example.com", history.get(1).get("changed_by").asText());
        assertEquals("250.50", history.get(1).get("policy").get("limit").asText());
        CliRunner.Result historyText = ok("policy", "history", "--policy-id", policyId);
        assertTrue(historyText.out().contains("Initial budget allocation") && historyText.out().contains("Quarter-end load"), historyText.out());

        JsonNode policies = json("policy", "list", "--agent-id", agentId);
        assertEquals(1, policies.size());
        assertEquals("250.50", policies.get(0).get("limit").asText());
        assertTrue(policies.get(0).get("limit").isTextual(), "amounts travel as exact strings");

        CliRunner.Result allow = ok("allowlist", "create", "--agent-id", agentId, "--pattern", "^https://api\\.openai\\.com/.*$",
                "--pattern-type", "regex");
        assertTrue(allow.out().startsWith("Allowlist created successfully:\n"), allow.out());
        ok("allowlist", "create", "--agent-id", agentId, "--pattern", "https://api.anthropic.com/*", "--pattern-type", "glob");
        assertEquals(2, json("allowlist", "list", "--agent-id", agentId).size());

        CliRunner.Result allowed = ok("allowlist", "test", "--agent-id", agentId, "--resource", "https://api.openai.com/v1/chat/completions");
        assertTrue(allowed.out().startsWith("ALLOWED: https://api.openai.com/v1/chat/completions\n"), allowed.out());
        JsonNode glob = json("allowlist", "test", "--agent-id", agentId, "--resource", "https://api.anthropic.com/v1/messages");
        assertTrue(glob.get("allowed").asBoolean());
        assertEquals("glob", glob.get("matched").get("pattern_type").asText());
        JsonNode denied = json("allowlist", "test", "--agent-id", agentId, "--resource", "https://api.openai.com.evil.example/v1");
        assertFalse(denied.get("allowed").asBoolean());
        assertTrue(denied.get("matched").isNull());

        CliRunner.Result price = ok("pricebook", "set", "--resource", "openai.gpt-4o.input_tokens", "--price", "0.0000025", "--currency", "USD");
        assertTrue(price.out().contains("  Unit Price: $0.0000025 USD\n"), price.out());
        ok("pricebook", "set", "--resource", "openai.gpt-4o.output_tokens", "--price", "0.00001");
        JsonNode prices = json("pricebook", "list");
        assertEquals("0.0000025", priceOf(prices, "openai.gpt-4o.input_tokens"));
        assertEquals("0.00001", priceOf(prices, "openai.gpt-4o.output_tokens"));
        CliRunner.Result table = ok("pricebook", "list");
        assertTrue(table.out().contains("openai.gpt-4o.output_tokens"), table.out());
    }

    private static String priceOf(JsonNode prices, String resource) {
        for (JsonNode price : prices) {
            if (price.get("resource_key").asText().equals(resource)) {
                return price.get("unit_price").asText();
            }
        }
        throw new AssertionError(resource + " not listed in " + prices);
    }

    @Test
    void pricesAreVersionedAndImportedFromCsvAndJson() throws Exception {
        ok("pricebook", "set", "--resource", "anthropic.claude.input_tokens", "--price", "0.000003");
        ok("pricebook", "set", "--resource", "anthropic.claude.input_tokens", "--price", "0.000004", "--effective-from", "2099-01-01T00:00:00Z");
        JsonNode history = json("pricebook", "history", "--resource", "anthropic.claude.input_tokens");
        assertEquals(2, history.size());
        assertEquals("0.000003", history.get(0).get("unit_price").asText());
        assertEquals("2099-01-01T00:00:00Z", history.get(1).get("effective_from").asText());
        assertEquals("0.000003", priceOf(json("pricebook", "list"), "anthropic.claude.input_tokens"), "the scheduled price is not in force yet");

        Path csv = Files.createTempFile(cli.home(), "prices", ".csv");
        Files.writeString(csv, "resource_key,unit_price,currency\nmcp.search.call,0.01,USD\nmcp.fetch.call,0.002,EUR\n");
        CliRunner.Result imported = ok("pricebook", "import", "--file", csv.toString());
        assertTrue(imported.out().startsWith("Imported 2 price(s)"), imported.out());
        assertEquals("EUR", json("pricebook", "history", "--resource", "mcp.fetch.call").get(0).get("currency").asText());

        Path example = Path.of("..", "docs", "examples", "pricebook-llm-example.json");
        CliRunner.Result models = ok("pricebook", "import", "--file", example.toString());
        assertTrue(models.out().startsWith("Imported 20 price(s)"), models.out());
        JsonNode listed = json("pricebook", "list");
        assertEquals("1.25", priceOf(listed, "llm:gpt-4o:cached_input"));
        assertEquals("0.075", priceOf(listed, "llm:gpt-4o-mini:cached_input"));
        assertEquals("6.00", priceOf(listed, "llm:claude-sonnet-4-5:cache_write_1h"));
    }

    @Test
    void keysAreShownOnceAndRevocable() throws Exception {
        String agentId = json("agent", "create", "--name", "key-holder", "--owner", "ops@example.com").get("agent_id").asText();
        JsonNode key = json("agent", "key", "create", "--agent-id", agentId, "--name", "ci");
        String plaintext = key.get("api_key").asText();
        assertTrue(plaintext.startsWith("cak_" + key.get("prefix").asText() + "_"), plaintext);
        JsonNode listed = json("agent", "key", "list", "--agent-id", agentId);
        assertEquals(1, listed.size());
        assertTrue(listed.get(0).get("api_key").isNull(), "the key is never shown again");
        assertFalse(cli.snapshot().contains(plaintext), "only a hash of the key is stored");
        assertEquals("revoked", json("agent", "key", "revoke", "--key-id", key.get("key_id").asText()).get("status").asText());
        assertEquals("revoked", json("agent", "key", "list", "--agent-id", agentId).get(0).get("status").asText());
    }

    @Test
    void agentsAreSuspendedActivatedAndDeactivatedPoliciesStayInHistory() throws Exception {
        String agentId = json("agent", "create", "--name", "lifecycle", "--owner", "ops@example.com").get("agent_id").asText();
        assertEquals("suspended", json("agent", "suspend", "--agent-id", agentId).get("status").asText());
        assertEquals(1, json("agent", "list", "--status", "suspended").findValuesAsText("agent_id").stream().filter(agentId::equals).count());
        assertEquals("active", json("agent", "activate", "--agent-id", agentId).get("status").asText());

        String policyId = json("policy", "create", "--agent-id", agentId, "--limit", "5", "--time-window", "hourly",
                "--window-type", "rolling").get("policy_id").asText();
        assertFalse(json("policy", "deactivate", "--policy-id", policyId, "--change-reason", "Project ended").get("active").asBoolean());
        assertEquals(0, json("policy", "list", "--agent-id", agentId).size());
        assertEquals(1, json("policy", "list", "--agent-id", agentId, "--include-inactive").size());
        JsonNode history = json("policy", "history", "--policy-id", policyId);
        assertEquals("deactivated", history.get(1).get("change_type").asText());
        assertEquals("Project ended", history.get(1).get("change_reason").asText());
    }

    @Test
    void anAgentsRateLimitIsSetShownAndRemoved() throws Exception {
        String agentId = json("agent", "create", "--name", "limited-agent", "--owner", "ops@example.com").get("agent_id").asText();
        assertTrue(json("agent", "get", "--agent-id", agentId).get("rate_limit").isNull(), "no limit until one is set");

        CliRunner.Result set = ok("agent", "update", "--agent-id", agentId, "--rate-limit", "50", "--rate-burst", "10");
        assertTrue(set.out().contains("  Rate Limit: 50 requests/s, burst 10\n"), set.out());
        assertTrue(ok("agent", "get", "--agent-id", agentId).out().contains("  Rate Limit: 50 requests/s, burst 10\n"));
        JsonNode limit = json("agent", "get", "--agent-id", agentId).get("rate_limit");
        assertEquals("50", limit.get("requests_per_second").asText());
        assertEquals(10, limit.get("burst").asInt());
        JsonNode listed = java.util.stream.StreamSupport.stream(json("agent", "list").spliterator(), false)
                .filter(agent -> agent.get("agent_id").asText().equals(agentId)).findFirst().orElseThrow();
        assertEquals(10, listed.get("rate_limit").get("burst").asInt());

        JsonNode changed = json("agent", "update", "--agent-id", agentId, "--description", "slower now", "--rate-limit", "2.5");
        assertEquals("slower now", changed.get("description").asText());
        assertEquals("2.5", changed.get("rate_limit").get("requests_per_second").asText());
        assertEquals(3, changed.get("rate_limit").get("burst").asInt(), "without --rate-burst, a second's worth");

        CliRunner.Result removed = ok("agent", "update", "--agent-id", agentId, "--no-rate-limit");
        assertFalse(removed.out().contains("Rate Limit"), removed.out());
        assertTrue(json("agent", "get", "--agent-id", agentId).get("rate_limit").isNull());
        assertEquals("slower now", json("agent", "get", "--agent-id", agentId).get("description").asText(), "the rest stays as it was");
    }

    @Test
    void delegatedPolicyStaysWithinTheParentsLimit() throws Exception {
        String parent = json("agent", "create", "--name", "team-lead", "--owner", "ops@example.com").get("agent_id").asText();
        String child = json("agent", "create", "--name", "team-worker", "--owner", "ops@example.com", "--parent-id", parent).get("agent_id").asText();
        assertEquals(parent, json("agent", "get", "--agent-id", child).get("parent_agent_id").asText());
        json("policy", "create", "--agent-id", parent, "--limit", "50", "--time-window", "daily");
        JsonNode delegated = json("policy", "create", "--agent-id", child, "--limit", "50", "--time-window", "daily", "--delegated-from", parent);
        assertEquals(parent, delegated.get("delegated_from").asText());
    }

    @Test
    void initCreatesAMissingDatabaseAndIsSafeToRepeat() throws Exception {
        var env = cli.env();
        String name = "created_by_init_" + Long.toHexString(System.nanoTime());
        env.put("DB_NAME", name);
        CliRunner.Result first = cli.runWith(env, "db", "init");
        assertEquals(0, first.exitCode(), first::toString);
        assertTrue(first.out().startsWith("Database initialised successfully:"), first.out());
        assertTrue(first.out().contains("/" + name), first.out());
        CliRunner.Result again = cli.runWith(env, "db", "init");
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(again.out().startsWith("Database already initialised:"), again.out());
        CliRunner.Result health = cli.runWith(env, "db", "health-check");
        assertTrue(health.out().contains("Status: HEALTHY"), health.out());
    }

    @Test
    void healthCheckReportsSchemaAndEveryCommandHasHelp() throws Exception {
        JsonNode health = json("db", "health-check");
        assertEquals("HEALTHY", health.get("status").asText());
        assertEquals(health.get("latest_version").asText(), health.get("schema_version").asText());
        assertFalse(health.get("schema_version").isNull());
        assertEquals(0, health.get("pending_migrations").size());
        assertTrue(ok("db", "migrate", "up").out().startsWith("Database schema is up to date:"));

        String[][] commands = {{}, {"dev"}, {"budget"}, {"budget", "status"}, {"budget", "spend"}, {"agent"}, {"agent", "create"}, {"agent", "list"}, {"agent", "get"}, {"agent", "update"},
                {"agent", "suspend"}, {"agent", "activate"}, {"agent", "key"}, {"agent", "key", "create"}, {"agent", "key", "list"},
                {"agent", "key", "revoke"}, {"policy"}, {"policy", "create"}, {"policy", "list"}, {"policy", "get"},
                {"policy", "update"}, {"policy", "deactivate"}, {"policy", "history"}, {"allowlist"}, {"allowlist", "create"},
                {"allowlist", "list"}, {"allowlist", "delete"}, {"allowlist", "test"}, {"pricebook"}, {"pricebook", "set"},
                {"pricebook", "list"}, {"pricebook", "history"}, {"pricebook", "import"}, {"db"}, {"db", "init"},
                {"db", "migrate"}, {"db", "migrate", "up"}, {"db", "health-check"}};
        for (String[] command : commands) {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            CliRunner.Result help = ok(args);
            assertTrue(help.out().startsWith("Usage: caracal"), String.join(" ", command) + ": " + help.out());
        }
    }
}
