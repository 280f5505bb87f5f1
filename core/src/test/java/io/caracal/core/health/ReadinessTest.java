package io.caracal.core.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The readiness model alone: each check ok, degraded or unhealthy, the worst decides, and the JSON of the guide. */
class ReadinessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private static DependencyCheck up(String name) {
        return new DependencyCheck(name, () -> { }, DependencyCheck.Fallback.NONE);
    }

    private static DependencyCheck down(String name, DependencyCheck.Fallback fallback) {
        return new DependencyCheck(name, () -> {
            throw new DependencyDownException(name + " refused");
        }, fallback);
    }

    @Test
    void allUpIsOkIn200WithEveryCheckAndTheUptime() throws Exception {
        Readiness readiness = new Readiness(List.of(up("database"), up("redis")), clock);
        clock.advance(Duration.ofSeconds(42));
        HealthReport report = readiness.readiness();
        assertEquals(200, report.httpStatus());
        JsonNode json = JSON.readTree(report.json());
        assertEquals("ok", json.get("status").asText());
        assertEquals("ok", json.get("checks").get("database").get("status").asText());
        assertEquals(0, json.get("checks").get("redis").get("duration_ms").asLong());
        assertFalse(json.get("checks").get("redis").has("message"), "an ok check has no message");
        assertEquals("0.1.0", json.get("version").asText());
        assertEquals(42, json.get("uptime_seconds").asLong());
    }

    @Test
    void aDownCheckWhoseFallbackServesIsDegradedAnd200UntilTheFallbackCannot() throws Exception {
        AtomicBoolean serving = new AtomicBoolean(true);
        Readiness readiness = new Readiness(List.of(up("database"),
                down("redis", () -> serving.get() ? Optional.of("degraded mode serving 1 agent(s)") : Optional.empty())), clock);

        HealthReport degraded = readiness.readiness();
        assertEquals(HealthStatus.DEGRADED, degraded.status());
        assertEquals(200, degraded.httpStatus());
        assertEquals("redis refused; degraded mode serving 1 agent(s)", JSON.readTree(degraded.json()).get("checks").get("redis").get("message").asText());

        serving.set(false);
        HealthReport unhealthy = readiness.readiness();
        assertEquals(HealthStatus.UNHEALTHY, unhealthy.status());
        assertEquals(503, unhealthy.httpStatus());
        assertEquals("redis refused", unhealthy.checks().get("redis").message());
        assertEquals(HealthStatus.OK, unhealthy.checks().get("database").status());
    }

    @Test
    void theWorstCheckDecidesAndAFailureSaysItsKindOnlyUnlessWordedForReadiness() {
        Readiness readiness = new Readiness(List.of(down("redis", () -> Optional.of("serving")),
                new DependencyCheck("database", () -> {
                    throw new IllegalStateException("jdbc:postgresql://db.internal:5432/caracal?password=secret");
                }, DependencyCheck.Fallback.NONE)), clock);
        HealthReport report = readiness.readiness();
        assertEquals(HealthStatus.UNHEALTHY, report.status());
        assertEquals(HealthStatus.DEGRADED, report.checks().get("redis").status());
        assertEquals("IllegalStateException", report.checks().get("database").message(), "never the connection string");
    }

    @Test
    void aHungProbeIsReportedWithinTheDeadlineAndJoinedByTheNextReadiness() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Readiness readiness = new Readiness(List.of(new DependencyCheck("database", () -> {
            started.incrementAndGet();
            release.await();
        }, DependencyCheck.Fallback.NONE)), java.time.Clock.systemUTC());
        try {
            long begin = System.nanoTime();
            HealthReport first = readiness.readiness();
            HealthReport second = readiness.readiness();
            assertEquals("no answer within 500 ms", first.checks().get("database").message());
            assertEquals(HealthStatus.UNHEALTHY, second.status());
            assertEquals(1, started.get(), "the second /ready waited on the stuck probe instead of starting another");
            long took = Duration.ofNanos(System.nanoTime() - begin).toMillis();
            assertFalse(took > 5_000, "two answers in " + took + " ms");
        } finally {
            release.countDown();
        }
    }

    @Test
    void livenessIsOkWithoutChecks() throws Exception {
        JsonNode json = JSON.readTree(new Readiness(List.of(down("redis", DependencyCheck.Fallback.NONE)), clock).liveness().json());
        assertEquals("ok", json.get("status").asText());
        assertFalse(json.has("checks"));
    }
}
