package io.caracal.core.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Liveness and readiness of one process (the gateway, or a consumer function). Each {@link DependencyCheck} ends
 * ok, degraded (its probe failed and its fallback serves) or unhealthy; the process is as healthy as its worst
 * check. Readiness answers within {@link #DEADLINE} even when a dependency hangs: an orchestrator's probe gives up
 * after a second (Kubernetes' default) and would read a slow answer as no answer at all.
 */
public final class Readiness {
    public static final String VERSION = "0.1.0";
    /** How long /ready waits for each dependency; the checks run side by side. */
    static final Duration DEADLINE = Duration.ofMillis(500);

    private final List<DependencyCheck> checks;
    private final Clock clock;
    private final Instant started;
    /**
     * At most one probe in flight per dependency: a probe stuck on a dead store (a pool waiting for a
     * connection) is joined by the next /ready instead of adding a thread behind it.
     */
    private final Map<String, CompletableFuture<Optional<String>>> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService probes;

    /** Counts uptime from now: build it when the process starts. */
    public Readiness(List<DependencyCheck> checks, Clock clock) {
        this.checks = List.copyOf(checks);
        this.clock = clock;
        this.started = clock.instant();
        this.probes = Executors.newFixedThreadPool(Math.max(1, checks.size()), runnable -> {
            Thread thread = new Thread(runnable, "readiness-probe");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The process answers: {@code /health}. */
    public HealthReport liveness() {
        return new HealthReport(HealthStatus.OK, Map.of(), VERSION, uptime());
    }

    /** Every dependency, probed side by side: {@code /ready}. */
    public HealthReport readiness() {
        Instant start = clock.instant();
        Map<DependencyCheck, CompletableFuture<Optional<String>>> running = new LinkedHashMap<>();
        checks.forEach(check -> running.put(check, probe(check)));
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Map<String, HealthReport.Check> results = new LinkedHashMap<>();
        HealthStatus status = HealthStatus.OK;
        for (Map.Entry<DependencyCheck, CompletableFuture<Optional<String>>> entry : running.entrySet()) {
            HealthReport.Check result = result(entry.getKey(), entry.getValue(), start, deadline);
            results.put(entry.getKey().name(), result);
            status = status.worse(result.status());
        }
        return new HealthReport(status, results, VERSION, uptime());
    }

    /** The running probe of {@code check}: empty when the dependency answered, else why not. */
    private CompletableFuture<Optional<String>> probe(DependencyCheck check) {
        return inFlight.compute(check.name(), (n, running) -> running != null && !running.isDone() ? running
                : CompletableFuture.supplyAsync(() -> failure(check.probe()), probes));
    }

    private static Optional<String> failure(DependencyCheck.Probe probe) {
        try {
            probe.run();
            return Optional.empty();
        } catch (DependencyDownException e) {
            return Optional.of(e.getMessage());
        } catch (Exception e) {
            // The kind of failure only: messages can carry connection strings.
            return Optional.of(e.getClass().getSimpleName());
        }
    }

    private HealthReport.Check result(DependencyCheck check, CompletableFuture<Optional<String>> probe, Instant start, long deadline) {
        Optional<String> failure;
        try {
            failure = probe.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            failure = Optional.of("no answer within " + DEADLINE.toMillis() + " ms");
        } catch (ExecutionException e) {
            failure = Optional.of(e.getCause().getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = Optional.of("interrupted");
        }
        long ms = Duration.between(start, clock.instant()).toMillis();
        if (failure.isEmpty()) {
            return new HealthReport.Check(HealthStatus.OK, ms, null);
        }
        Optional<String> serving = check.fallback().serving();
        return serving.isPresent()
                ? new HealthReport.Check(HealthStatus.DEGRADED, ms, failure.get() + "; " + serving.get())
                : new HealthReport.Check(HealthStatus.UNHEALTHY, ms, failure.get());
    }

    private long uptime() {
        return Duration.between(started, clock.instant()).toSeconds();
    }
}
