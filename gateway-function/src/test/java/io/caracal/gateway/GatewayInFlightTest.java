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

/** Calls waiting on a slow upstream hold no gateway thread: the forwarding is asynchronous, and each is settled when it answers. */
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
}
