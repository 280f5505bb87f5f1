package io.caracal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bad input gets one clear line on stderr, a non-zero exit and changes nothing: each case compares a
 * dump of every table before and after.
 */
class CliBadInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static CliRunner cli;
    private static String agentId;
    private static String childId;
    private static String policyId;

    @BeforeAll
    static void seed() throws Exception {
        cli = new CliRunner("cli_bad_input");
        assertEquals(0, cli.run("db", "init").exitCode());
        agentId = idOf(cli.run("agent", "create", "--name", "parent-agent", "--owner", "ops@example.com", "-o", "json"), "agent_id");
        childId = idOf(cli.run("agent", "create", "--name", "child-agent", "--owner", "ops@example.com", "--parent-id", agentId, "-o", "json"), "agent_id");
        policyId = idOf(cli.run("policy", "create", "--agent-id", agentId, "--limit", "10", "--time-window", "daily", "-o", "json"), "policy_id");
        assertEquals(0, cli.run("allowlist", "create", "--agent-id", agentId, "--pattern", "https://ok.example/*", "--pattern-type", "glob").exitCode());
        assertEquals(0, cli.run("pricebook", "set", "--resource", "known.resource", "--price", "1").exitCode());
    }

    private static String idOf(CliRunner.Result result, String field) throws Exception {
        assertEquals(0, result.exitCode(), result::toString);
        return JSON.readTree(result.out()).get(field).asText();
    }

    /** Runs a command that must be refused; returns its one error line. */
    private static String refused(int expectedExit, String... args) {
        String before = cli.snapshot();
        CliRunner.Result result = cli.run(args);
        assertEquals(expectedExit, result.exitCode(), result::toString);
        assertEquals("", result.out(), result::toString);
        assertEquals(1, result.err().lines().count(), "exactly one line on stderr: " + result.err());
        assertTrue(result.err().startsWith("Error: "), result.err());
        assertEquals(before, cli.snapshot(), "a refused command must change nothing");
        return result.err().strip();
    }

    private static void refused(String expectedMessagePart, String... args) {
        String line = refused(1, args);
        assertTrue(line.contains(expectedMessagePart), "expected '" + expectedMessagePart + "' in: " + line);
    }

    @Test
    void policyLimitsMustBePositiveExactAndFinite() {
        refused("limit must be greater than zero", "policy", "create", "--agent-id", agentId, "--limit", "0");
        refused("limit must be greater than zero", "policy", "create", "--agent-id", agentId, "--limit", "0.000");
        refused("limit must not be negative", "policy", "create", "--agent-id", agentId, "--limit", "-5");
        refused("must be a decimal number", "policy", "create", "--agent-id", agentId, "--limit", "ten");
        refused("must be a decimal number", "policy", "create", "--agent-id", agentId, "--limit", "1e3");
        refused("limit is required", "policy", "create", "--agent-id", agentId, "--limit", "");
        refused("more than 9 decimal places", "policy", "create", "--agent-id", agentId, "--limit", "0.0000000001");
        refused("too large", "policy", "create", "--agent-id", agentId, "--limit", "1" + "0".repeat(40));
        refused("above the maximum of 1000000000", "policy", "create", "--agent-id", agentId, "--limit", "1000000000.000000001");
        refused("limit must be greater than zero", "policy", "update", "--policy-id", policyId, "--limit", "0", "--change-reason", "x");
        refused("limit must not be negative", "policy", "update", "--policy-id", policyId, "--limit", "-1", "--change-reason", "x");
    }

    @Test
    void unknownCurrencyWindowOrZoneIsRefused() {
        refused("unknown currency 'XYZ'", "policy", "create", "--agent-id", agentId, "--limit", "10", "--currency", "XYZ");
        refused("ISO 4217", "policy", "create", "--agent-id", agentId, "--limit", "10", "--currency", "DOLLARS");
        refused("unknown time window 'fortnightly' (one of hourly, daily, weekly, monthly)",
                "policy", "create", "--agent-id", agentId, "--limit", "10", "--time-window", "fortnightly");
        refused("unknown window type 'sliding'", "policy", "create", "--agent-id", agentId, "--limit", "10", "--window-type", "sliding");
        refused("unknown time zone 'Mars/Olympus'", "policy", "create", "--agent-id", agentId, "--limit", "10", "--time-zone", "Mars/Olympus");
        refused("only to calendar windows", "policy", "create", "--agent-id", agentId, "--limit", "10", "--window-type", "rolling",
                "--time-zone", "Europe/Berlin");
        refused("unknown time window", "policy", "update", "--policy-id", policyId, "--time-window", "yearly", "--change-reason", "x");
    }

    @Test
    void changesWithoutAReasonAreRefused() {
        refused("change reason is required", "policy", "update", "--policy-id", policyId, "--limit", "20");
        refused("change reason is required", "policy", "update", "--policy-id", policyId, "--limit", "20", "--change-reason", "   ");
        refused("change reason is required", "policy", "deactivate", "--policy-id", policyId);
        refused("nothing to change", "policy", "update", "--policy-id", policyId, "--change-reason", "no-op");
        refused("nothing to change", "policy", "update", "--policy-id", policyId, "--limit", "10.000", "--change-reason", "same limit");
    }

    @Test
    void invalidPatternsAreRefused() {
        refused("invalid regex '^https://(api'", "allowlist", "create", "--agent-id", agentId, "--pattern", "^https://(api", "--pattern-type", "regex");
        refused("pattern must not be empty", "allowlist", "create", "--agent-id", agentId, "--pattern", "", "--pattern-type", "glob");
        refused("pattern must not be empty", "allowlist", "create", "--agent-id", agentId, "--pattern", "  ", "--pattern-type", "glob");
        refused("longer than 1000", "allowlist", "create", "--agent-id", agentId, "--pattern", "a".repeat(1001), "--pattern-type", "glob");
        refused("unknown pattern type 'wildcard'", "allowlist", "create", "--agent-id", agentId, "--pattern", "x", "--pattern-type", "wildcard");
        refused("resource must not be empty", "allowlist", "test", "--agent-id", agentId, "--resource", "");
    }

    @Test
    void unknownAndMalformedIdsAreRefused() {
        String unknown = UUID.randomUUID().toString();
        refused("agent not found: " + unknown, "agent", "get", "--agent-id", unknown);
        refused("agent not found: " + unknown, "policy", "create", "--agent-id", unknown, "--limit", "10");
        refused("agent not found: " + unknown, "allowlist", "create", "--agent-id", unknown, "--pattern", "x", "--pattern-type", "glob");
        refused("agent not found: " + unknown, "allowlist", "test", "--agent-id", unknown, "--resource", "https://ok.example/a");
        refused("agent not found: " + unknown, "agent", "suspend", "--agent-id", unknown);
        refused("agent not found: " + unknown, "agent", "key", "create", "--agent-id", unknown);
        refused("parent agent not found: " + unknown, "agent", "create", "--name", "orphan", "--owner", "o", "--parent-id", unknown);
        refused("policy not found: " + unknown, "policy", "update", "--policy-id", unknown, "--limit", "5", "--change-reason", "x");
        refused("policy not found: " + unknown, "policy", "history", "--policy-id", unknown);
        refused("allowlist entry not found: " + unknown, "allowlist", "delete", "--allowlist-id", unknown);
        refused("API key not found: " + unknown, "agent", "key", "revoke", "--key-id", unknown);
        refused("resource not found: never.priced", "pricebook", "history", "--resource", "never.priced");
        refused("agent id 'not-a-uuid' is not a UUID", "agent", "get", "--agent-id", "not-a-uuid");
        refused("is not a UUID", "policy", "get", "--policy-id", "1-2-3-4-5");
    }

    @Test
    void rateLimitsMustBePositiveBoundedAndComplete() {
        refused("rate limit must be greater than zero", "agent", "update", "--agent-id", agentId, "--rate-limit", "0");
        refused("rate limit must be greater than zero requests per second, got -5", "agent", "update", "--agent-id", agentId, "--rate-limit", "-5");
        refused("rate limit must be a decimal number of requests per second, got 'ten'", "agent", "update", "--agent-id", agentId, "--rate-limit", "ten");
        refused("must be a decimal number", "agent", "update", "--agent-id", agentId, "--rate-limit", "1e3");
        refused("more than 3 decimal places", "agent", "update", "--agent-id", agentId, "--rate-limit", "0.0001");
        refused("above the maximum of 100000 requests per second", "agent", "update", "--agent-id", agentId, "--rate-limit", "1" + "0".repeat(40));
        refused("burst must be between 1 and 100000 requests, got 0", "agent", "update", "--agent-id", agentId, "--rate-limit", "5", "--rate-burst", "0");
        refused("got -1", "agent", "update", "--agent-id", agentId, "--rate-limit", "5", "--rate-burst", "-1");
        refused("got 99999999999", "agent", "update", "--agent-id", agentId, "--rate-limit", "5", "--rate-burst", "99999999999");
        refused("burst must be a whole number of requests, got '2.5'", "agent", "update", "--agent-id", agentId, "--rate-limit", "5", "--rate-burst", "2.5");
        refused("--rate-burst needs --rate-limit", "agent", "update", "--agent-id", agentId, "--rate-burst", "10");
        refused("--no-rate-limit removes", "agent", "update", "--agent-id", agentId, "--no-rate-limit", "--rate-limit", "5");
        refused("rate limit must be greater than zero", "agent", "update", "--agent-id", agentId, "--description", "changed", "--rate-limit", "0");
        refused("nothing to change: give at least one of --description, --owner, --parent-id, --clear-parent, --metadata, --rate-limit, --no-rate-limit",
                "agent", "update", "--agent-id", agentId);
        String unknown = UUID.randomUUID().toString();
        refused("agent not found: " + unknown, "agent", "update", "--agent-id", unknown, "--rate-limit", "5");
        refused("agent not found: " + unknown, "agent", "update", "--agent-id", unknown, "--no-rate-limit");
    }

    @Test
    void parentCyclesAndSelfParentingAreRefused() {
        refused("would create a cycle", "agent", "update", "--agent-id", agentId, "--parent-id", childId);
        refused("would create a cycle", "agent", "update", "--agent-id", agentId, "--parent-id", agentId);
    }

    @Test
    void duplicateNamesAreRefused() {
        refused("an agent named 'parent-agent' already exists", "agent", "create", "--name", "parent-agent", "--owner", "someone-else");
        refused("name must not be empty", "agent", "create", "--name", " ", "--owner", "o");
        refused("longer than 255", "agent", "create", "--name", "n".repeat(256), "--owner", "o");
    }

    @Test
    void delegationMustComeFromTheParentAndStayWithinItsLimit() {
        refused("only the direct parent can delegate", "policy", "create", "--agent-id", agentId, "--limit", "1", "--delegated-from", childId);
        refused("exceeds the parent's daily limit of 10.00 USD", "policy", "create", "--agent-id", childId, "--limit", "10.01",
                "--delegated-from", agentId);
        refused("has no active weekly USD policy", "policy", "create", "--agent-id", childId, "--limit", "1", "--time-window", "weekly",
                "--delegated-from", agentId);
    }

    @Test
    void aParentsPolicyCannotBeLoweredOrRemovedFromUnderItsDelegations() throws Exception {
        String parent = idOf(cli.run("agent", "create", "--name", "delegating-parent", "--owner", "o", "-o", "json"), "agent_id");
        String child = idOf(cli.run("agent", "create", "--name", "delegated-child", "--owner", "o", "--parent-id", parent, "-o", "json"), "agent_id");
        String parentPolicy = idOf(cli.run("policy", "create", "--agent-id", parent, "--limit", "100", "-o", "json"), "policy_id");
        assertEquals(0, cli.run("policy", "create", "--agent-id", child, "--limit", "50", "--delegated-from", parent).exitCode());
        refused("would no longer fit", "policy", "update", "--policy-id", parentPolicy, "--limit", "20", "--change-reason", "cut");
        refused("would no longer fit", "policy", "update", "--policy-id", parentPolicy, "--time-window", "weekly", "--change-reason", "re-window");
        refused("would no longer fit", "policy", "deactivate", "--policy-id", parentPolicy, "--change-reason", "gone");
        refused("delegated from its parent", "agent", "update", "--agent-id", child, "--clear-parent");
        assertEquals(0, cli.run("policy", "update", "--policy-id", parentPolicy, "--limit", "50", "--change-reason", "still fits").exitCode());
    }

    @Test
    void badPricesAndImportsChangeNothing() throws Exception {
        refused("price must not be negative", "pricebook", "set", "--resource", "x.y", "--price", "-0.01");
        refused("unknown currency", "pricebook", "set", "--resource", "x.y", "--price", "1", "--currency", "ABC");
        refused("cannot be back-dated", "pricebook", "set", "--resource", "x.y", "--price", "1", "--effective-from", "2001-01-01T00:00:00Z");
        refused("ISO-8601", "pricebook", "set", "--resource", "x.y", "--price", "1", "--effective-from", "tomorrow");
        refused("resource key 'has space'", "pricebook", "set", "--resource", "has space", "--price", "1");

        Path csv = Files.createTempFile(cli.home(), "bad", ".csv");
        Files.writeString(csv, "resource_key,unit_price,currency\ngood.one,0.5,USD\nbad.one,-1,USD\n");
        refused("line 3: unit_price must not be negative", "pricebook", "import", "--file", csv.toString());
        Files.writeString(csv, "resource_key,unit_price,currency\na.b,1,USD\na.b,2,USD\n");
        refused("line 3: a.b is priced twice", "pricebook", "import", "--file", csv.toString());
        Files.writeString(csv, "");
        refused("CSV is empty", "pricebook", "import", "--file", csv.toString());
        Files.writeString(csv, "resource_key,unit_price,currency,effective_from\nonce.only,1,USD,2099-01-01T00:00:00Z\n");
        assertEquals(0, cli.run("pricebook", "import", "--file", csv.toString()).exitCode());
        refused("already exists: once.only, 2099-01-01", "pricebook", "import", "--file", csv.toString());
        refused("file not found", "pricebook", "import", "--file", cli.home().resolve("missing.csv").toString());
    }

    @Test
    void malformedCommandLinesExitWithTwo() {
        assertTrue(refused(2, "agent", "create", "--owner", "o").contains("Missing required option: '--name=<name>'"));
        assertTrue(refused(2, "agent", "list", "-o", "xml").contains("--output"));
        assertTrue(refused(2, "agent", "frobnicate").contains("frobnicate"));
        String line = refused(2, "policy", "history");
        assertTrue(line.contains("--policy-id") && !line.contains("Error: Error"), line);
        assertTrue(refused(2, "policy").contains("Missing required subcommand"));
    }

    @Test
    void unreachableDatabaseIsOneClearLine() {
        var env = cli.env();
        env.put("DB_PORT", Integer.toString(io.caracal.embedded.FreePorts.next()));
        CliRunner.Result result = cli.runWith(env, "agent", "list");
        assertEquals(1, result.exitCode(), result::toString);
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("Error: cannot reach the database"), result.err());
        assertTrue(!result.err().contains("DB_PASSWORD"));

        env = cli.env();
        env.put("DB_PORT", "http");
        result = cli.runWith(env, "agent", "list");
        assertEquals("Error: database port must be a number from 1 to 65535, got 'http'", result.err().strip());
    }
}
