package io.caracal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.sql.DataSource;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Calls sent through one or more gateway replicas by many client threads at once (released together, so they
 * race), each answer recorded with what the tests check: status, error code, the gateway's charge, warning and
 * Retry-After headers, and how long it took. Call {@code i} goes to replica {@code i % replicas} with {@code X-Request-ID:
 * load<run>-<i>}, so the upstream's log tells which calls it served. Also the stored results the tests compare the
 * answers with: ledger events and holds, read straight from PostgreSQL.
 */
final class GatewayLoad implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** What one call sends: its path (under a replica's base) and its estimate. */
    interface Shape {
        HttpRequest.Builder request(int index, URI base);
    }

    /** One call and its answer. Times are System.nanoTime() readings. */
    record Call(int index, int replica, String requestId, long started, long ended, int status, String error, String charged,
                String warning, String retryAfter, String body) {
        Duration took() {
            return Duration.ofNanos(ended - started);
        }

        /** A 200 that says what it was charged (X-Caracal-Charged). */
        boolean isCharged() {
            return status == 200 && charged != null;
        }

        @Override
        public String toString() {
            return requestId + " @" + replica + ": " + status + (error != null ? " " + error : "") + (charged != null ? " charged " + charged : "")
                    + (warning != null ? " warning '" + warning + "'" : "") + " in " + took().toMillis() + " ms";
        }
    }

    private static final AtomicInteger RUNS = new AtomicInteger();
    /** Request ids are {@code <run>-<index>}: unique across the loads of one JVM (warm-ups included). */
    private final String run = "load" + RUNS.incrementAndGet();
    private final List<URI> replicas;
    private final int maxCalls;
    private final Shape shape;
    private final Consumer<Call> afterEach;
    private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final CountDownLatch go = new CountDownLatch(1);
    private final ExecutorService threads;
    private final int threadCount;

    /**
     * Starts {@code threadCount} client threads, which wait for {@link #start()} and then send calls until
     * {@code maxCalls} were sent or {@link #stop()}; {@code afterEach} runs on the client thread after each answer.
     */
    GatewayLoad(List<URI> replicas, int threadCount, int maxCalls, Shape shape, Consumer<Call> afterEach) {
        this.replicas = List.copyOf(replicas);
        this.maxCalls = maxCalls;
        this.shape = shape;
        this.afterEach = afterEach;
        this.threadCount = threadCount;
        this.threads = Executors.newFixedThreadPool(threadCount, r -> {
            Thread thread = new Thread(r, "load-client");
            thread.setDaemon(true);
            return thread;
        });
        for (int t = 0; t < threadCount; t++) {
            threads.execute(this::clientLoop);
        }
    }

    GatewayLoad start() {
        go.countDown();
        return this;
    }

    /** No call starts after this; those already sent are answered. */
    void stop() {
        stopped.set(true);
    }

    int completed() {
        return calls.size();
    }

    /** The answers so far. */
    List<Call> calls() {
        return new ArrayList<>(calls);
    }

    /** Waits until every client thread is done (all calls sent and answered, or stopped); fails on a client-side error. */
    List<Call> finish(Duration timeout) throws InterruptedException {
        go.countDown();
        threads.shutdown();
        if (!threads.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            stop();
            throw new AssertionError("the load did not finish within " + timeout.toSeconds() + " s: " + calls.size() + " answered");
        }
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError(failures.size() + " calls failed on the client side (no HTTP answer)", failures.peek());
            throw error;
        }
        return calls();
    }

    int threads() {
        return threadCount;
    }

    @Override
    public void close() {
        stop();
        threads.shutdownNow();
    }

    private void clientLoop() {
        try {
            go.await();
        } catch (InterruptedException e) {
            return;
        }
        while (!stopped.get()) {
            int index = next.getAndIncrement();
            if (index >= maxCalls) {
                return;
            }
            int replica = index % replicas.size();
            String requestId = run + "-" + index;
            HttpRequest request = shape.request(index, replicas.get(replica)).header("X-Request-ID", requestId)
                    .timeout(Duration.ofSeconds(60)).build();
            long started = System.nanoTime();
            try {
                HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
                long ended = System.nanoTime();
                Call call = new Call(index, replica, requestId, started, ended, response.statusCode(), errorCode(response.body()),
                        response.headers().firstValue("X-Caracal-Charged").orElse(null),
                        response.headers().firstValue("X-Caracal-Warning").orElse(null),
                        response.headers().firstValue("Retry-After").orElse(null), response.body());
                calls.add(call);
                afterEach.accept(call);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException | AssertionError e) {
                failures.add(e);
            }
        }
    }

    /**
     * A few calls through each replica, for an agent of their own, before a test's load: class loading, JIT and
     * the first connections (to PostgreSQL, Redis and the upstream) are not what the tests measure.
     */
    static void warmUp(GatewayFixture... replicas) throws InterruptedException {
        GatewayFixture.Caller warm = replicas[0].caller("1000.00");
        try (GatewayLoad load = new GatewayLoad(java.util.Arrays.stream(replicas).map(r -> r.base).toList(), 8, 32 * replicas.length,
                (i, base) -> HttpRequest.newBuilder(base.resolve("/stub/chat")).header("X-API-Key", warm.key())
                        .header("X-Caracal-Estimated-Cost", "0.30").POST(HttpRequest.BodyPublishers.ofString("{}")),
                call -> { })) {
            load.start().finish(Duration.ofSeconds(60));
        }
    }

    private static String errorCode(String body) {
        if (body == null || !body.startsWith("{")) {
            return null;
        }
        try {
            JsonNode error = JSON.readTree(body).get("error");
            return error == null ? null : error.asText();
        } catch (IOException e) {
            return null;
        }
    }

    /** An error body as the gateway documents it: {"error":<code>,"message":...,"request_id":...}. */
    static boolean documentedErrorBody(Call call) {
        try {
            JsonNode body = JSON.readTree(call.body());
            return body.hasNonNull("error") && body.hasNonNull("message") && call.requestId().equals(body.path("request_id").asText());
        } catch (IOException e) {
            return false;
        }
    }

    /** The remaining budget a denied call's body reports. */
    static BigDecimal remainingIn(String body) throws IOException {
        return new BigDecimal(JSON.readTree(body).get("remaining_budget").asText());
    }

    /** The policy a denied call's body names as the one that refused it, or null when it names none. */
    static String failedPolicyIn(String body) {
        try {
            JsonNode policy = JSON.readTree(body).get("failed_policy_id");
            return policy == null || policy.isNull() ? null : policy.asText();
        } catch (IOException e) {
            return null;
        }
    }

    /** A settled charge as the ledger has it. */
    record LedgerEvent(UUID eventId, UUID holdId, BigDecimal amount) {
    }

    /** A hold as budget_holds has it. */
    record HoldRow(UUID id, BigDecimal estimate, String state, BigDecimal actual) {
    }

    static List<LedgerEvent> ledger(DataSource db, UUID agentId) throws SQLException {
        List<LedgerEvent> events = new ArrayList<>();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT event_id, hold_id, amount FROM ledger_events WHERE agent_id = ?")) {
            ps.setObject(1, agentId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new LedgerEvent(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getBigDecimal(3)));
                }
            }
        }
        return events;
    }

    static List<HoldRow> holds(DataSource db, UUID agentId) throws SQLException {
        List<HoldRow> holds = new ArrayList<>();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, estimate, state, actual FROM budget_holds WHERE agent_id = ?")) {
            ps.setObject(1, agentId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    holds.add(new HoldRow(rs.getObject(1, UUID.class), rs.getBigDecimal(2), rs.getString(3), rs.getBigDecimal(4)));
                }
            }
        }
        return holds;
    }

    /** Ledger events that share a hold: there must be none (a hold is charged at most once). */
    static long holdsChargedTwice(DataSource db, UUID agentId) throws SQLException {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM (SELECT hold_id FROM ledger_events WHERE agent_id = ?"
                     + " GROUP BY hold_id HAVING count(*) > 1) twice")) {
            ps.setObject(1, agentId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static BigDecimal sum(List<LedgerEvent> events) {
        return events.stream().map(LedgerEvent::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
