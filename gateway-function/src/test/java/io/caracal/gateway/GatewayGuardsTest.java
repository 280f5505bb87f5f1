package io.caracal.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.allowlist.PatternType;
import io.caracal.core.allowlist.AllowlistStore;
import io.caracal.gateway.GatewayFixture.Caller;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Replay protection, the allowlist on X-Caracal-Target-URL and the SSRF guard, through real HTTP. */
class GatewayGuardsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    /** Production-like: replay protection on, target URLs on, private targets refused. */
    private static GatewayFixture strict;
    /** A lab gateway that may call targets on loopback (where the test's upstream runs), with AUTH_MODE=none. */
    private static GatewayFixture lab;

    @BeforeAll
    static void start() throws Exception {
        strict = new GatewayFixture("gateway_strict", Map.of("caracal.gateway.replay-protection", true,
                "caracal.gateway.target-urls", true));
        lab = new GatewayFixture("gateway_lab", Map.of("caracal.gateway.target-urls", true,
                "caracal.gateway.allow-private-targets", true, "caracal.gateway.auth.mode", "none"));
    }

    @AfterAll
    static void stop() {
        strict.close();
        lab.close();
    }

    private static HttpResponse<String> send(GatewayFixture f, Caller caller, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(f.base.resolve("/stub/chat")).header("X-API-Key", caller.key())
                .header("X-Caracal-Agent-ID", caller.agent().id().toString())
                .header("X-Caracal-Estimated-Cost", "0.30").POST(HttpRequest.BodyPublishers.ofString("{}"));
        headers.forEach(request::header);
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String error(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).get("error").asText();
    }

    private static Map<String, String> fresh() {
        return Map.of("X-Caracal-Nonce", UUID.randomUUID().toString(), "X-Caracal-Timestamp", Long.toString(Instant.now().getEpochSecond()));
    }

    @Test
    void replayedStaleOrUnsignedRequestsAreRefusedBeforeAnythingIsHeld() throws Exception {
        Caller caller = strict.caller("10");
        int before = strict.hits.get();
        HttpResponse<String> missing = send(strict, caller, Map.of());
        assertEquals(403, missing.statusCode());
        assertEquals("replay_rejected", error(missing));
        Map<String, String> once = fresh();
        assertEquals(200, send(strict, caller, once).statusCode());
        HttpResponse<String> replayed = send(strict, caller, once);
        assertEquals(403, replayed.statusCode());
        assertEquals("replay_rejected", error(replayed));
        String old = Long.toString(Instant.now().minusSeconds(301).getEpochSecond());
        assertEquals(403, send(strict, caller, Map.of("X-Caracal-Nonce", UUID.randomUUID().toString(), "X-Caracal-Timestamp", old)).statusCode());
        String future = Long.toString(Instant.now().plusSeconds(120).getEpochSecond());
        assertEquals(403, send(strict, caller, Map.of("X-Caracal-Nonce", UUID.randomUUID().toString(), "X-Caracal-Timestamp", future)).statusCode());
        assertEquals(before + 1, strict.hits.get(), "only the one fresh request reached the upstream");
        assertEquals(0, new BigDecimal("0.30").compareTo(strict.spent(caller)), "and only it was charged");
    }

    @Test
    void targetUrlsMustBeAllowlistedAndPublic() throws Exception {
        Caller caller = strict.caller("10");
        String target = strict.upstreamUrl + "/v1/direct";
        java.util.HashMap<String, String> headers = new java.util.HashMap<>(fresh());
        headers.put("X-Caracal-Target-URL", target);
        HttpResponse<String> notListed = send(strict, caller, headers);
        assertEquals(403, notListed.statusCode());
        assertEquals("resource_not_allowed", error(notListed), "no allowlist entries: default deny");

        strict.gateway.getBean(AllowlistStore.class).create(caller.agent().id(), PatternType.GLOB, strict.upstreamUrl + "/*");
        // The new entry reaches the gateway's cache by notification, a few milliseconds after it commits.
        String loopback = io.caracal.testing.Await.until(java.time.Duration.ofSeconds(1), () -> {
            headers.putAll(fresh());
            try {
                HttpResponse<String> response = send(strict, caller, headers);
                return response.statusCode() + " " + error(response);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "403 target_not_allowed"::equals);
        assertEquals("403 target_not_allowed", loopback, "allowlisted, but loopback: the SSRF guard refuses it");
        assertEquals(0, BigDecimal.ZERO.compareTo(strict.spent(caller)), "nothing was held or charged");
    }

    @Test
    void authModeNoneBelievesTheNamedAgentButOnlyAnActiveOne() throws Exception {
        Caller caller = lab.caller("10");
        assertEquals(200, send(lab, caller, Map.of()).statusCode());
        HttpResponse<String> unknown = CLIENT.send(HttpRequest.newBuilder(lab.base.resolve("/stub/chat"))
                .header("X-Caracal-Agent-ID", UUID.randomUUID().toString()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, unknown.statusCode());
        lab.gateway.getBean(io.caracal.core.agent.AgentStore.class).setStatus(caller.agent().id(), io.caracal.core.agent.AgentStatus.SUSPENDED);
        assertEquals(401, GatewayFixture.statusOnceHeard(() -> send(lab, caller, Map.of()).statusCode(), 401));
    }

    @Test
    void anAllowlistedTargetIsCalledAndChargedWhenPrivateTargetsAreAllowed() throws Exception {
        Caller caller = lab.caller("10");
        lab.gateway.getBean(AllowlistStore.class).create(caller.agent().id(), PatternType.REGEX,
                "^" + java.util.regex.Pattern.quote(lab.upstreamUrl) + "/v1/.*$");
        HttpResponse<String> ok = send(lab, caller, Map.of("X-Caracal-Target-URL", lab.upstreamUrl + "/v1/direct?x=1"));
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("/v1/direct", JSON.readTree(ok.body()).get("path").asText(), "the target's own path, not the gateway path");
        assertEquals(0, new BigDecimal("0.30").compareTo(lab.spent(caller)));
        HttpResponse<String> elsewhere = send(lab, caller, Map.of("X-Caracal-Target-URL", lab.upstreamUrl + "/admin"));
        assertEquals(403, elsewhere.statusCode());
        assertEquals("resource_not_allowed", error(elsewhere));
    }
}
