package io.caracal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;
import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.testing.Await;
import io.caracal.testing.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL becomes unreachable under a running gateway (a relay in front of the real server is cut): readiness
 * says so within its own deadline and calls fail closed within the pool's, instead of both waiting out the
 * pool's 30-second default; when the database is back, so is the gateway.
 */
class GatewayDatabaseOutageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Well above the 0.5 s readiness deadline and the 1 s pool timeout, far below the 30 s they replaced. */
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final HttpClient client = HttpClient.newHttpClient();
    private static TcpRelay relay;
    private static GatewayFixture f;

    @BeforeAll
    static void start() throws Exception {
        EmbeddedPostgresServer postgres = SharedServices.postgres();
        relay = new TcpRelay(postgres.port());
        f = new GatewayFixture("gateway_db_outage", Map.of("datasources.default.url",
                "jdbc:postgresql://127.0.0.1:" + relay.port() + "/gateway_db_outage"));
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
        relay.close();
    }

    private static HttpResponse<String> call(Caller caller) throws Exception {
        return client.send(HttpRequest.newBuilder(f.base.resolve("/stub/v1/chat")).timeout(Duration.ofSeconds(60)).header("X-API-Key", caller.key())
                .header("X-Caracal-Estimated-Cost", "0.10").POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> ready() throws Exception {
        return client.send(HttpRequest.newBuilder(f.base.resolve("/ready")).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessAndCallsAnswerWithinTheirDeadlinesWhileTheDatabaseIsUnreachable() throws Exception {
        Caller caller = f.caller("10.00");
        assertEquals(200, call(caller).statusCode());
        assertEquals(200, ready().statusCode());

        relay.cut();
        try {
            for (int i = 0; i < 3; i++) { // the second and third find the first one's probe still stuck in the pool
                long started = System.nanoTime();
                HttpResponse<String> readiness = ready();
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                assertEquals(503, readiness.statusCode(), readiness.body());
                JsonNode checks = JSON.readTree(readiness.body()).get("checks");
                assertEquals("unhealthy", checks.get("database").get("status").asText(), readiness.body());
                assertEquals("ok", checks.get("redis").get("status").asText(), readiness.body());
                assertTrue(took.compareTo(BOUND) < 0, "/ready answered in " + took.toMillis() + " ms");

                started = System.nanoTime();
                HttpResponse<String> denied = call(caller);
                took = Duration.ofNanos(System.nanoTime() - started);
                assertEquals(503, denied.statusCode(), denied.body());
                // The agent is cached, so it may pass authentication and be refused at the hold, which needs the database.
                assertTrue(java.util.Set.of("authentication_unavailable", "policy_evaluation_failed")
                        .contains(JSON.readTree(denied.body()).get("error").asText()), denied.body());
                assertTrue(took.compareTo(BOUND) < 0, "the call failed closed in " + took.toMillis() + " ms");
            }
        } finally {
            relay.restore();
        }
        Await.until(Duration.ofSeconds(30), () -> {
            try {
                return ready().statusCode() == 200;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "the gateway to be ready again");
        HttpResponse<String> after = call(caller);
        assertEquals(200, after.statusCode(), after.body());
        assertEquals("0.30", after.headers().firstValue("X-Caracal-Charged").orElseThrow());
    }
}
