package io.caracal.gateway;

import io.caracal.testing.Await;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calls waiting on a slow upstream hold no gateway thread: the forwarding is asynchronous, and each is settled when it
 * answers. At most MAX_INFLIGHT_UPSTREAM of them are in flight at once.
 */
class GatewayInFlightTest {
    /** Fewer than the stub upstream's 16 handler threads, so every call is being served at once. */
    private static final int CALLS = 12;

    @Test
    void callsWaitingOnTheUpstreamHoldNoThreadAndAreChargedWhenItAnswers() throws Exception {
        try (GatewayFixture fixture = new GatewayFixture("gw_in_flight", Map.of("caracal.gateway.request-timeout", "30s"))) {
            GatewayFixture.Caller caller = fixture.caller("100");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < CALLS; i++) {
                calls.add(client.sendAsync(HttpRequest.newBuilder(URI.create(fixture.base + "/stub/chat/slow")).header("X-API-Key", caller.key())
                        .header("X-Caracal-Estimated-Cost", "0.50").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            assertEquals(CALLS, Await.until(Duration.ofSeconds(20), () -> fixture.received.size(), n -> n == CALLS), "every call reached the upstream");
            long inProxy = Thread.getAllStackTraces().values().stream()
                    .filter(stack -> Arrays.stream(stack).anyMatch(frame -> frame.getClassName().startsWith("io.caracal.gateway.proxy.")))
                    .count();
            assertEquals(0, inProxy, CALLS + " calls are waiting on the upstream, and no thread waits with them");
            fixture.releaseSlow.countDown();
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                HttpResponse<String> response = call.get();
                assertEquals(200, response.statusCode(), response.body());
                assertEquals("0.30", response.headers().firstValue("X-Caracal-Charged").orElseThrow());
            }
            assertEquals(0, new java.math.BigDecimal("0.30").multiply(java.math.BigDecimal.valueOf(CALLS)).compareTo(fixture.spent(caller)),
                    CALLS + " × 0.30");
        }
    }

    @Test
    void pastTheInFlightLimitACallIsRefusedAsOverloadedWithNothingHeldUntilACallInFlightIsAnswered() throws Exception {
        try (GatewayFixture fixture = new GatewayFixture("gw_in_flight_limit", Map.of("caracal.gateway.request-timeout", "30s",
                "caracal.gateway.max-inflight-upstream", 2))) {
            GatewayFixture.Caller caller = fixture.caller("100");
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                slow.add(client.sendAsync(call(fixture, caller, "/stub/chat/slow"), HttpResponse.BodyHandlers.ofString()));
            }
            assertEquals(2, Await.until(Duration.ofSeconds(20), () -> fixture.received.size(), n -> n == 2), "both calls reached the upstream");
            assertTrue(fixture.gateway.getBean(io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class).scrape()
                    .contains("caracal_gateway_upstream_calls_in_flight 2.0"));

            HttpResponse<String> refused = client.send(call(fixture, caller, "/stub/chat"), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("\"error\":\"overloaded\""), refused.body());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
            assertEquals(2, fixture.received.size(), "the refused call was not forwarded");
            javax.sql.DataSource db = fixture.gateway.getBean(javax.sql.DataSource.class);
            assertEquals(2, GatewayLoad.holds(db, caller.agent().id()).size(), "nothing was held for it");

            fixture.releaseSlow.countDown();
            for (CompletableFuture<HttpResponse<String>> call : slow) {
                assertEquals("0.30", call.get().headers().firstValue("X-Caracal-Charged").orElseThrow());
            }
            HttpResponse<String> after = client.send(call(fixture, caller, "/stub/chat"), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, after.statusCode(), "answered calls return their permits: " + after.body());
            assertEquals(0, new java.math.BigDecimal("0.90").compareTo(fixture.spent(caller)), "3 calls served and charged, the refused one not");
        }
    }

    private static HttpRequest call(GatewayFixture fixture, GatewayFixture.Caller caller, String path) {
        return HttpRequest.newBuilder(URI.create(fixture.base + path)).header("X-API-Key", caller.key())
                .header("X-Caracal-Estimated-Cost", "0.50").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    }
}
