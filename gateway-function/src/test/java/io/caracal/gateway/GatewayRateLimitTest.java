package io.caracal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.ratelimit.RateLimit;
import io.caracal.core.ratelimit.RateLimitStore;
import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.gateway.GatewayLoad.Call;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-agent rate limits across replicas: three gateways (separate application contexts and ports) on one PostgreSQL
 * database and one Redis, so an agent's calls take from one token bucket whichever replica they reach. The flood
 * runs in real time, since the limit is a rate: what it asserts holds however slowly a loaded machine serves it.
 */
class GatewayRateLimitTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BigDecimal COST = new BigDecimal("0.30");
    private static final Duration FLOOD = Duration.ofSeconds(5);
    private static final List<GatewayFixture> REPLICAS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        // The upstream answers at once: a loaded machine must not turn a slow forward into a 504 here. "oai" is an
        // OpenAI upstream that nothing reaches: the calls sent to it are refused before they are forwarded.
        Map<String, Object> settings = Map.of("caracal.gateway.request-timeout", "10s",
                "caracal.gateway.upstreams.oai.url", "http://127.0.0.1:1/v1", "caracal.gateway.upstreams.oai.type", "openai");
        for (int i = 0; i < 3; i++) {
            REPLICAS.add(new GatewayFixture("gateway_rate_limit", settings));
        }
        GatewayLoad.warmUp(REPLICAS.toArray(GatewayFixture[]::new));
    }

    @AfterAll
    static void stop() {
        REPLICAS.forEach(GatewayFixture::close);
    }

    private static GatewayFixture replica(int i) {
        return REPLICAS.get(i);
    }

    private static Caller limited(String rate, String burst) {
        Caller caller = replica(0).caller("1000");
        replica(0).gateway.getBean(RateLimitStore.class).set(caller.agent().id(), RateLimit.parse(rate, burst));
        return caller;
    }

    private static HttpRequest.Builder chat(URI base, Caller caller) {
        return HttpRequest.newBuilder(base.resolve("/stub/chat")).header("X-API-Key", caller.key())
                .header("X-Caracal-Estimated-Cost", COST.toPlainString()).POST(HttpRequest.BodyPublishers.ofString("{}"));
    }

    private static int status(GatewayFixture replica, Caller caller) throws Exception {
        return GatewayLoad.CLIENT.send(chat(replica.base, caller).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** caracal_gateway_rate_limited_total, summed over the replicas. */
    private static double rateLimited() {
        String name = "caracal_gateway_rate_limited_total ";
        return REPLICAS.stream().flatMap(r -> r.gateway.getBean(io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class).scrape().lines()).filter(line -> line.startsWith(name))
                .mapToDouble(line -> Double.parseDouble(line.substring(name.length()))).sum();
    }

    private static GatewayLoad flood(Caller caller, int threads) {
        return new GatewayLoad(REPLICAS.stream().map(r -> r.base).toList(), threads, Integer.MAX_VALUE, (i, base) -> chat(base, caller), call -> { });
    }

    @Test
    void aFiveSecondFloodThroughThreeReplicasPassesTheBurstAndFiftyASecondAndChargesNothingElse() throws Exception {
        Caller limited = limited("50", "10");
        Caller other = replica(0).caller("1000");
        int hitsBefore = REPLICAS.stream().mapToInt(r -> r.hits.get()).sum();
        double rateLimitedBefore = rateLimited();

        List<Call> floodCalls;
        List<Call> otherCalls;
        try (GatewayLoad flood = flood(limited, 24); GatewayLoad beside = flood(other, 2)) {
            flood.start();
            beside.start();
            CompletableFuture.delayedExecutor(FLOOD.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
                flood.stop();
                beside.stop();
            });
            floodCalls = flood.finish(Duration.ofSeconds(120));
            otherCalls = beside.finish(Duration.ofSeconds(120));
        }

        List<Call> accepted = floodCalls.stream().filter(c -> c.status() == 200).toList();
        List<Call> refused = floodCalls.stream().filter(c -> c.status() != 200).toList();
        // 10 at once, then 50 a second for 5 seconds.
        int expected = 10 + 50 * (int) FLOOD.toSeconds();
        assertTrue(Math.abs(accepted.size() - expected) <= expected / 10, accepted.size() + " calls accepted, expected " + expected + " ± 10 %");
        // A bucket never passes more than its burst and its rate over the time it was called in, whatever the load.
        long first = floodCalls.stream().mapToLong(Call::started).min().orElseThrow();
        long last = floodCalls.stream().mapToLong(Call::ended).max().orElseThrow();
        double seconds = (last - first) / 1e9;
        assertTrue(accepted.size() <= 10 + Math.ceil(50 * seconds), accepted.size() + " accepted in " + seconds + " s");
        assertTrue(refused.size() > accepted.size(), "the flood outran the limit: " + refused.size() + " refused");
        List<Call> notRateLimited = refused.stream().filter(c -> c.status() != 429 || !"rate_limited".equals(c.error()) || !"1".equals(c.retryAfter())
                || !GatewayLoad.documentedErrorBody(c)).toList();
        assertTrue(notRateLimited.isEmpty(), "every other call was refused with 429 rate_limited and Retry-After: 1, but: "
                + notRateLimited.stream().limit(10).map(c -> c + " " + c.retryAfter() + " " + c.body()).toList());
        assertTrue(accepted.stream().allMatch(c -> c.isCharged() && COST.compareTo(new BigDecimal(c.charged())) == 0),
                "every accepted call was charged its cost: " + accepted.stream().filter(c -> !c.isCharged()).limit(10).toList());
        assertEquals(refused.size(), rateLimited() - rateLimitedBefore, "counted as rate limited");
        Map<Integer, Long> acceptedPerReplica = accepted.stream().collect(Collectors.groupingBy(Call::replica, Collectors.counting()));
        assertEquals(3, acceptedPerReplica.size(), "every replica took from the one bucket: " + acceptedPerReplica);

        DataSource db = replica(0).gateway.getBean(DataSource.class);
        assertEquals(accepted.size(), GatewayLoad.ledger(db, limited.agent().id()).size(), "one charge per accepted call, none for a refused one");
        assertEquals(0, COST.multiply(BigDecimal.valueOf(accepted.size())).compareTo(replica(0).spent(limited)), "spent = accepted × the price");
        assertEquals(accepted.size(), GatewayLoad.holds(db, limited.agent().id()).size(), "nothing was held for a refused call");

        assertFalse(otherCalls.isEmpty());
        assertTrue(otherCalls.stream().allMatch(Call::isCharged), "the other agent was not limited: "
                + otherCalls.stream().filter(c -> !c.isCharged()).limit(10).toList());
        assertEquals(0, COST.multiply(BigDecimal.valueOf(otherCalls.size())).compareTo(replica(0).spent(other)));
        assertEquals(accepted.size() + otherCalls.size(), REPLICAS.stream().mapToInt(r -> r.hits.get()).sum() - hitsBefore,
                "only the calls that passed reached the upstream");
    }

    @Test
    void aLimitedCallToAnLlmUpstreamIsRefusedAsTheProvidersOwnRateLimitWhichItsSdkRetries() throws Exception {
        Caller caller = limited("0.001", "1");
        assertEquals(200, status(replica(0), caller));
        HttpResponse<String> refused = GatewayLoad.CLIENT.send(HttpRequest.newBuilder(replica(1).base.resolve("/oai/v1/chat/completions"))
                .header("Authorization", "Bearer " + caller.key()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[]}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(429, refused.statusCode(), refused.body());
        JsonNode error = JSON.readTree(refused.body()).get("error");
        assertEquals("rate_limit_exceeded", error.get("type").asText(), refused.body());
        assertEquals("rate_limited", error.get("code").asText(), refused.body());
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 990 && retryAfter <= 1000, "a token per 1000 s: Retry-After " + retryAfter);
        assertTrue(refused.headers().firstValue("x-should-retry").isEmpty(), "the SDK's own retry is not turned off: it is a rate limit");
        assertTrue(refused.headers().firstValue("X-Request-ID").isPresent());
    }

    @Test
    void aLimitSetOrRemovedWithTheStoreReachesEveryReplica() throws Exception {
        Caller caller = limited("0.001", "1");
        assertEquals(200, status(replica(0), caller));
        assertEquals(429, status(replica(1), caller), "the bucket is shared: the call through the first replica took its token");
        assertEquals(429, status(replica(2), caller));

        RateLimitStore store = replica(0).gateway.getBean(RateLimitStore.class);
        store.remove(caller.agent().id());
        for (GatewayFixture replica : REPLICAS) {
            assertEquals(200, GatewayFixture.statusOnceHeard(() -> status(replica, caller), 200), "no limit, no bucket");
        }
        store.set(caller.agent().id(), RateLimit.parse("0.001", "1"));
        for (GatewayFixture replica : REPLICAS) {
            assertEquals(429, GatewayFixture.statusOnceHeard(() -> status(replica, caller), 429), "limited again, its bucket still empty");
        }
    }
}
