package io.caracal.gateway.proxy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForwardedHeadersTest {
    @Test
    void hopByHopHeadersAndThoseNamedByConnectionAreDropped() {
        Map<String, List<String>> out = ForwardedHeaders.toUpstream(ProxyExchange.caseInsensitive(Map.of(
                "Connection", List.of("keep-alive, X-Private-Hop"), "X-Private-Hop", List.of("secret"), "Keep-Alive", List.of("5"),
                "Transfer-Encoding", List.of("chunked"), "Upgrade", List.of("h2c"), "TE", List.of("trailers"), "Host", List.of("gw"),
                "Content-Type", List.of("application/json"))), Map.of());
        assertEquals(Map.of("Content-Type", List.of("application/json")), out);
    }

    @Test
    void theAgentsCredentialsAndTheGatewaysHeadersNeverReachTheUpstream() {
        Map<String, List<String>> out = ForwardedHeaders.toUpstream(ProxyExchange.caseInsensitive(Map.of(
                "authorization", List.of("Bearer agent-jwt"), "X-API-Key", List.of("cak_x"), "X-Client-Cert", List.of("pem"),
                "Proxy-Authorization", List.of("basic"), "X-Caracal-Estimated-Cost", List.of("1"), "Accept", List.of("*/*"))),
                Map.of("Authorization", "Bearer upstream-secret"));
        assertEquals(List.of("Bearer upstream-secret"), out.get("authorization"));
        assertEquals(List.of("*/*"), out.get("Accept"));
        assertEquals(2, out.size(), out.toString());
    }

    @Test
    void responsesKeepEndToEndHeadersOnly() {
        Map<String, List<String>> out = ForwardedHeaders.toClient(ProxyExchange.caseInsensitive(Map.of(
                "content-length", List.of("12"), "connection", List.of("close"), "content-type", List.of("text/plain"),
                "x-caracal-actual-cost", List.of("0.30"))));
        assertTrue(out.containsKey("Content-Type"));
        assertFalse(out.containsKey("Content-Length") || out.containsKey("Connection"));
        assertFalse(out.containsKey("X-Caracal-Actual-Cost"), "the upstream cannot set the gateway's headers");
    }
}
