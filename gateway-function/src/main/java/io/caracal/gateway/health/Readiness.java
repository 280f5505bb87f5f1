package io.caracal.gateway.health;

import io.caracal.core.store.Database;
import io.caracal.core.store.RedisUnavailableException;
import io.caracal.core.store.SharedRedis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Liveness and readiness in the shape of the Craton guide: {@code status} ok | unhealthy, per-dependency
 * {@code checks} with their duration, {@code version} and {@code uptime_seconds}. The gateway is ready only
 * when every store it enforces budgets with answers, and it says so within {@link #DEADLINE} even when a
 * store hangs: an orchestrator's probe gives up after a second (Kubernetes' default) and would read a slow
 * answer as no answer at all.
 */
public final class Readiness {
    public static final String VERSION = "0.1.0";
    /** How long /ready waits for each dependency; the checks run side by side. */
    static final Duration DEADLINE = Duration.ofMillis(500);

    private final Database database;
    private final SharedRedis redis;
    private final Clock clock;
    private final Instant started;
    /**
     * At most one probe in flight per dependency: a probe stuck on a dead store (a pool waiting for a
     * connection) is joined by the next /ready instead of adding a thread behind it.
     */
    private final Map<String, CompletableFuture<String>> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService probes = Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "readiness-probe");
        thread.setDaemon(true);
        return thread;
    });

    public Readiness(Database database, SharedRedis redis, Clock clock) {
        this.database = database;
        this.redis = redis;
        this.clock = clock;
        this.started = clock.instant();
    }

    public record Check(String status, long durationMs, String message) {
    }

    public record Report(String status, Map<String, Check> checks, String version, long uptimeSeconds) {
        public boolean ok() {
            return "ok".equals(status);
        }
    }

    public Report liveness() {
        return new Report("ok", Map.of(), VERSION, uptime());
    }

    public Report readiness() {
        Instant start = clock.instant();
        CompletableFuture<String> db = probe("database", () -> database.transaction(c -> c.isValid(1) ? "ok" : "database connection not valid"));
        CompletableFuture<String> cache = probe("redis", () -> {
            redis.ping();
            return "ok";
        });
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Map<String, Check> checks = new LinkedHashMap<>();
        checks.put("database", check(db, start, deadline));
        checks.put("redis", check(cache, start, deadline));
        boolean ok = checks.values().stream().allMatch(c -> "ok".equals(c.status()));
        return new Report(ok ? "ok" : "unhealthy", checks, VERSION, uptime());
    }

    private CompletableFuture<String> probe(String name, Supplier<String> probe) {
        return inFlight.compute(name, (n, running) -> running != null && !running.isDone() ? running
                : CompletableFuture.supplyAsync(() -> outcome(probe), probes));
    }

    private static String outcome(Supplier<String> probe) {
        try {
            return probe.get();
        } catch (RedisUnavailableException e) {
            // A refused password or TLS handshake, said as such; without where Redis is, like the other checks.
            return e.reason();
        } catch (RuntimeException e) {
            // The kind of failure only: messages can carry connection strings.
            return e.getClass().getSimpleName();
        }
    }

    private Check check(CompletableFuture<String> probe, Instant start, long deadline) {
        String outcome;
        try {
            outcome = probe.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            outcome = "no answer within " + DEADLINE.toMillis() + " ms";
        } catch (ExecutionException e) {
            outcome = e.getCause().getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "interrupted";
        }
        long ms = Duration.between(start, clock.instant()).toMillis();
        return "ok".equals(outcome) ? new Check("ok", ms, null) : new Check("unhealthy", ms, outcome);
    }

    private long uptime() {
        return Duration.between(started, clock.instant()).toSeconds();
    }
}
