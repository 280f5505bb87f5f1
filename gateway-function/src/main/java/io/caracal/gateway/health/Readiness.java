package io.caracal.gateway.health;

import io.caracal.core.store.Database;
import io.lettuce.core.api.StatefulRedisConnection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Liveness and readiness in the shape of the Craton guide: {@code status} ok | unhealthy, per-dependency
 * {@code checks} with their duration, {@code version} and {@code uptime_seconds}. The gateway is ready only
 * when every store it enforces budgets with answers.
 */
public final class Readiness {
    public static final String VERSION = "0.1.0";

    private final Database database;
    private final StatefulRedisConnection<String, String> redis;
    private final Clock clock;
    private final Instant started;

    public Readiness(Database database, StatefulRedisConnection<String, String> redis, Clock clock) {
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
        Map<String, Check> checks = new LinkedHashMap<>();
        checks.put("database", check(() -> database.transaction(c -> c.isValid(2) ? "ok" : "database connection not valid")));
        checks.put("redis", check(() -> "PONG".equals(redis.sync().ping()) ? "ok" : "unexpected PING reply"));
        boolean ok = checks.values().stream().allMatch(c -> "ok".equals(c.status()));
        return new Report(ok ? "ok" : "unhealthy", checks, VERSION, uptime());
    }

    private Check check(Supplier<String> probe) {
        Instant start = clock.instant();
        String outcome;
        try {
            outcome = probe.get();
        } catch (RuntimeException e) {
            // The kind of failure only: messages can carry connection strings.
            outcome = e.getClass().getSimpleName();
        }
        long ms = Duration.between(start, clock.instant()).toMillis();
        return "ok".equals(outcome) ? new Check("ok", ms, null) : new Check("unhealthy", ms, outcome);
    }

    private long uptime() {
        return Duration.between(started, clock.instant()).toSeconds();
    }
}
