package io.caracal.cli.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.gateway.GatewayApplication;
import io.caracal.testing.Await;
import io.caracal.testing.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13: suspending an agent, revoking its key or lowering its limit with the {@code caracal} CLI refuses the
 * agent's next call on a running gateway within one second. The CLI runs through its real entry point with its own
 * connections, as in another terminal, on the gateway's PostgreSQL; calls go over HTTP with API-key auth to the demo
 * upstream. The gateway serves agents, keys and scopes from memory for up to 30 s unless PostgreSQL's change notice
 * drops them, so each case fails if that notice stops reaching it.
 */
class CliInvalidationTest {
    private static final String DATABASE = "cli_invalidation";
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient client = HttpClient.newHttpClient();

    @TempDir
    static Path home;
    private static DemoUpstream upstream;
    private static ApplicationContext gateway;
    private static URI base;
    /** The CLI's connection settings, as an operator exports them. */
    private static Map<String, String> cliEnv;

    /** An agent the CLI created, with a daily budget and an API key, that has made one call. */
    private record Caller(String agentId, String policyId, String keyId, String apiKey) {
    }

    @BeforeAll
    static void start() {
        upstream = DemoUpstream.start();
        Map<String, Object> properties = new HashMap<>(TestDatabase.contextProperties(DATABASE));
        properties.put("micronaut.server.port", -1);
        properties.put("micronaut.server.ssl.enabled", false);
        properties.put("caracal.gateway.auth.mode", "api_key");
        properties.put("caracal.gateway.upstreams.demo.url", upstream.url());
        properties.put("caracal.metrics.port", 0);
        gateway = ApplicationContext.builder().environments(GatewayApplication.ENVIRONMENTS).properties(properties).start();
        EmbeddedServer server = gateway.getBean(EmbeddedServer.class);
        server.start();
        base = server.getURI();

        cliEnv = CliJson.environment(DATABASE, home);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void anAgentSuspendedWithTheCliIsRefusedWithinOneSecond() {
        Caller caller = caller();
        caracal("agent", "suspend", "--agent-id", caller.agentId(), "-o", "json");
        refusedWithinOneSecond(caller, 401, "authentication_failed", "caracal agent suspend");
    }

    @Test
    void aKeyRevokedWithTheCliIsRefusedWithinOneSecond() {
        Caller caller = caller();
        caracal("agent", "key", "revoke", "--key-id", caller.keyId(), "-o", "json");
        refusedWithinOneSecond(caller, 401, "authentication_failed", "caracal agent key revoke");
    }

    @Test
    void aLimitLoweredWithTheCliBelowTheNextEstimateIsRefusedWithinOneSecond() {
        Caller caller = caller();
        caracal("policy", "update", "--policy-id", caller.policyId(), "--limit", "0.20", "--change-reason", "cut below the next call", "-o", "json");
        JsonNode refusal = refusedWithinOneSecond(caller, 403, "budget_exceeded", "caracal policy update --limit");
        assertEquals(caller.policyId(), refusal.path("failed_policy_id").asText(), refusal.toString());
    }

    /** Creates the agent, its budget and its key with the CLI, and checks the gateway lets it call. */
    private static Caller caller() {
        String agentId = caracal("agent", "create", "--name", "invalidated-" + UUID.randomUUID(), "--owner", "ops@example.com", "-o", "json")
                .path("agent_id").asText();
        String policyId = caracal("policy", "create", "--agent-id", agentId, "--limit", "10.00", "-o", "json").path("policy_id").asText();
        JsonNode key = caracal("agent", "key", "create", "--agent-id", agentId, "--name", "invalidation-test", "-o", "json");
        Caller caller = new Caller(agentId, policyId, key.path("key_id").asText(), key.path("api_key").asText());
        HttpResponse<String> first = call(caller);
        assertEquals(200, first.statusCode(), first.body());
        return caller;
    }

    /** Runs a {@code caracal} command with {@code -o json}, which must succeed, and returns what it printed. */
    private static JsonNode caracal(String... args) {
        return CliJson.run(cliEnv, args);
    }

    private static HttpResponse<String> call(Caller caller) {
        try {
            return client.send(HttpRequest.newBuilder(base.resolve("/demo/v1/chat/completions")).header("X-API-Key", caller.apiKey())
                    .header("X-Caracal-Estimated-Cost", "0.30").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"demo\"}")).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Status and error code, e.g. "401 authentication_failed", or "200 " for a call that went through. */
    private static String outcome(HttpResponse<String> response) {
        return response.statusCode() + " " + body(response).path("error").asText();
    }

    private static JsonNode body(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            return JSON.nullNode();
        }
    }

    /**
     * Calls from the moment the CLI command returned until one is refused as {@code status} {@code error}; that must
     * happen within one second. Returns the refusal's body.
     */
    private static JsonNode refusedWithinOneSecond(Caller caller, int status, String error, String command) {
        String expected = status + " " + error;
        long returned = System.nanoTime();
        HttpResponse<String> last = Await.until(ONE_SECOND, () -> call(caller), response -> expected.equals(outcome(response)));
        long tookMs = (System.nanoTime() - returned) / 1_000_000;
        assertEquals(expected, outcome(last), () -> command + " did not reach the gateway within one second: " + last.body());
        assertTrue(tookMs < ONE_SECOND.toMillis(), command + " took " + tookMs + " ms to reach the gateway");
        System.out.println(command + ": first refusal " + tookMs + " ms after the command returned");
        return body(last);
    }
}
