package io.caracal.gateway.metrics;

import io.caracal.core.money.Money;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * The gateway's meters, under the seeds' names: {@code caracal_requests_total{method,status,status_code}} (status
 * ok | denied | error | aborted, as seed 002's HighErrorRate alert expects) and {@code
 * caracal_request_duration_seconds{method}}, each also as the runbook's {@code caracal_gateway_requests_total} and
 * {@code caracal_gateway_request_duration_seconds} (seed 002's alert names the one, seed 003's runbook the other, and
 * a meter has one name: the same values are registered under both), {@code
 * caracal_policy_evaluations_total{decision}}, {@code caracal_gateway_auth_failures_total}, {@code
 * caracal_gateway_replay_blocks_total}, {@code caracal_gateway_delegation_refused_total}, {@code caracal_gateway_charged_total{currency}} (spend as the gateway charged
 * it; {@code caracal_spending_total} is the metrics function's alone, so a plain sum of it counts spend once), and
 * the gateway's limits: {@code caracal_gateway_rate_limited_total}, {@code caracal_gateway_connections_open}, {@code
 * caracal_gateway_connections_refused_total} and {@code caracal_gateway_upstream_calls_in_flight}. No label carries
 * an agent id: that would grow without bound.
 */
public final class GatewayMetrics {
    /** nginx's code for a request whose client closed the connection: never sent, only counted. */
    public static final int CLIENT_CLOSED = 499;
    private final MeterRegistry registry;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong allowed = new AtomicLong();
    private final AtomicLong denied = new AtomicLong();
    private final AtomicLong authFailures = new AtomicLong();
    private final AtomicLong replayBlocks = new AtomicLong();

    // Registered from the start, at 0, so alerts and dashboards see these series before the first refusal.
    private final Counter authFailureCount;
    private final Counter replayBlockCount;
    private final Counter rateLimitedCount;
    private final Counter connectionsRefusedCount;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.authFailureCount = Counter.builder("caracal.gateway.auth.failures").description("Requests refused for authentication").register(registry);
        this.replayBlockCount = Counter.builder("caracal.gateway.replay.blocks").description("Requests refused by replay protection").register(registry);
        this.rateLimitedCount = Counter.builder("caracal.gateway.rate.limited").description("Calls refused for their agent's rate limit").register(registry);
        this.connectionsRefusedCount = Counter.builder("caracal.gateway.connections.refused").description("Connections refused at MAX_CONNECTIONS")
                .register(registry);
    }

    /** One request through the proxy pipeline, counted and timed. */
    public void request(String method, int statusCode, Duration took) {
        request(method, statusCode);
        for (String name : new String[]{"caracal.request.duration", "caracal.gateway.request.duration"}) {
            Timer.builder(name).description("Request latency through the gateway")
                    .tag("method", method).publishPercentileHistogram().register(registry).record(took);
        }
    }

    /**
     * One answered request, counted only: what the HTTP layer refused before the pipeline saw it (no route,
     * a method or body it cannot take) counts too, or junk traffic would hide from the error-rate alert.
     * {@code status} is aborted for a client that went away (nginx's 499), error for 5xx, denied for 401 and
     * 403, and ok for every other answer.
     */
    public void request(String method, int statusCode) {
        requests.incrementAndGet();
        String status = statusCode == CLIENT_CLOSED ? "aborted" : statusCode >= 500 ? "error"
                : statusCode == 401 || statusCode == 403 ? "denied" : "ok";
        for (String name : new String[]{"caracal.requests", "caracal.gateway.requests"}) {
            Counter.builder(name).description("Requests through the gateway")
                    .tag("method", method).tag("status", status).tag("status_code", Integer.toString(statusCode))
                    .register(registry).increment();
        }
    }

    public void decision(boolean allow) {
        (allow ? allowed : denied).incrementAndGet();
        Counter.builder("caracal.policy.evaluations").description("Budget decisions")
                .tag("decision", allow ? "allowed" : "denied").register(registry).increment();
    }

    public void authFailure() {
        authFailures.incrementAndGet();
        authFailureCount.increment();
    }

    public void replayBlocked() {
        replayBlocks.incrementAndGet();
        replayBlockCount.increment();
    }

    /** A call refused (429) because its agent was over its rate limit. */
    public void rateLimited() {
        rateLimitedCount.increment();
    }

    /** A call refused (403) because the delegation token it presented cannot be honoured. */
    public void delegationRefused() {
        Counter.builder("caracal.gateway.delegation.refused").description("Calls refused for their delegation token").register(registry).increment();
    }

    /** A connection closed as soon as it was accepted, because MAX_CONNECTIONS were open. */
    public void connectionRefused() {
        connectionsRefusedCount.increment();
    }

    public void connectionsOpen(IntSupplier open) {
        Gauge.builder("caracal.gateway.connections.open", open::getAsInt).description("Client connections open").register(registry);
    }

    public void upstreamCallsInFlight(IntSupplier inFlight) {
        Gauge.builder("caracal.gateway.upstream.calls.in.flight", inFlight::getAsInt).description("Calls forwarded and not yet answered")
                .register(registry);
    }

    /**
     * Charged spend, per currency. Prometheus counters are doubles: this is for dashboards, the ledger is the
     * exact record.
     */
    public void charged(Money amount) {
        Counter.builder("caracal.gateway.charged").description("Spend charged by the gateway").tag("currency", amount.currency().code())
                .register(registry).increment(amount.amount().doubleValue());
    }

    public record Stats(long requestsTotal, long requestsAllowed, long requestsDenied, long authFailures, long replayBlocks) {
    }

    public Stats stats() {
        return new Stats(requests.get(), allowed.get(), denied.get(), authFailures.get(), replayBlocks.get());
    }
}
