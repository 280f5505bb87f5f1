package io.caracal.gateway;

import com.sun.net.httpserver.HttpServer;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.PolicyChange;
import io.caracal.core.policy.PolicyTerms;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.agent.ApiKeyStore;
import io.caracal.core.budget.HoldStore;
import io.caracal.core.policy.PolicyStore;
import io.caracal.testing.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.context.RuntimeBeanDefinition;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gateway on a random port over its own database on the shared embedded PostgreSQL and the shared Redis,
 * in front of a local upstream that reports 0.30 per call in X-Caracal-Actual-Cost (except on paths ending in
 * /nocost, and /refuse, which answers 429), reachable as {@code stub} and as {@code priced} (priced from the
 * pricebook resource {@code stub.priced.call}), answers 500 on paths ending in /fail, waits on paths ending in /slow, and streams two server-sent events with a pause
 * between them on paths ending in /stream.
 */
public final class GatewayFixture implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    final AtomicInteger hits = new AtomicInteger();
    final ConcurrentLinkedQueue<Map<String, List<String>>> seenHeaders = new ConcurrentLinkedQueue<>();
    /** Every request the upstream read: method, path, content type and the SHA-256 of the body as it arrived. */
    final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    public final ApplicationContext gateway;
    public final URI base;
    final String upstreamUrl;
    private final HttpServer upstream;
    private final java.nio.file.Path journal;
    /** Paths ending in /slow wait for this before they answer. */
    final CountDownLatch releaseSlow = new CountDownLatch(1);
    /** Paths ending in /stream send one event, then wait for this before the second. */
    final CountDownLatch releaseStream = new CountDownLatch(1);
    /** Set once the upstream has sent the second event. */
    final java.util.concurrent.atomic.AtomicBoolean streamFinished = new java.util.concurrent.atomic.AtomicBoolean();

    public record Caller(Agent agent, String key) {
    }

    record Received(String method, String path, String contentType, String sha256) {
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public GatewayFixture(String database, Map<String, Object> settings) throws IOException {
        this(database, GatewayApplication.ENVIRONMENTS, settings);
    }

    GatewayFixture(String database, String[] environments, Map<String, Object> settings) throws IOException {
        this(database, environments, settings, Optional.empty());
    }

    /** A gateway whose time is {@code clock} (for everything in it: cached figures, holds, caches' TTLs). */
    GatewayFixture(String database, Map<String, Object> settings, Clock clock) throws IOException {
        this(database, GatewayApplication.ENVIRONMENTS, settings, Optional.of(clock));
    }

    private GatewayFixture(String database, String[] environments, Map<String, Object> settings, Optional<Clock> clock) throws IOException {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newFixedThreadPool(16));
        upstream.createContext("/", exchange -> {
            seenHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("Content-Type"),
                    sha256(exchange.getRequestBody().readAllBytes())));
            if (path.endsWith("/slow")) {
                try {
                    releaseSlow.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            hits.incrementAndGet();
            if (path.endsWith("/stream")) {
                exchange.getResponseHeaders().add("X-Caracal-Actual-Cost", "0.30");
                exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().write("data: one\n\n".getBytes(StandardCharsets.UTF_8));
                exchange.getResponseBody().flush();
                try {
                    releaseStream.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                streamFinished.set(true);
                exchange.getResponseBody().write("data: two\n\n".getBytes(StandardCharsets.UTF_8));
                exchange.close();
                return;
            }
            byte[] body = ("{\"path\":\"" + path + "\",\"query\":\"" + exchange.getRequestURI().getRawQuery() + "\"}").getBytes(StandardCharsets.UTF_8);
            if (!path.endsWith("/nocost") && !path.endsWith("/refuse")) {
                exchange.getResponseHeaders().add("X-Caracal-Actual-Cost", "0.30");
            }
            exchange.getResponseHeaders().add("X-Caracal-Remaining-Budget", "999"); // a forgery the gateway must not pass on
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(path.endsWith("/fail") ? 500 : path.endsWith("/refuse") ? 429 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        upstreamUrl = "http://127.0.0.1:" + upstream.getAddress().getPort();
        Map<String, Object> properties = new HashMap<>(TestDatabase.contextProperties(database));
        properties.put("micronaut.server.port", -1);
        properties.put("micronaut.server.ssl.enabled", false); // plain HTTP unless a test's settings turn TLS on
        properties.put("caracal.gateway.request-timeout", "1s");
        properties.put("caracal.gateway.upstreams.stub.url", upstreamUrl + "/v1");
        properties.put("caracal.gateway.upstreams.stub.headers.Authorization", "Bearer upstream-secret");
        properties.put("caracal.gateway.upstreams.priced.url", upstreamUrl + "/v1");
        properties.put("caracal.gateway.upstreams.priced.resource", "stub.priced.call");
        // Nothing listens on port 1: connections to it are refused.
        properties.put("caracal.gateway.upstreams.down.url", "http://127.0.0.1:1/v1");
        properties.put("caracal.metrics.port", 0);
        properties.put("caracal.gateway.stats-token", "stats-secret");
        // Each gateway its own spend journal, as each replica has (they lock it): a test may name one to reopen it.
        journal = java.nio.file.Files.createTempDirectory("caracal-journal");
        properties.put("caracal.gateway.degraded-journal-dir", journal.toString());
        properties.putAll(settings);
        try {
            ApplicationContextBuilder builder = ApplicationContext.builder().environments(environments).properties(properties);
            clock.ifPresent(c -> builder.beanDefinitions(RuntimeBeanDefinition.builder(Clock.class, () -> c).replaces(Clock.class).build()));
            gateway = builder.start();
        } catch (RuntimeException e) {
            upstream.stop(0);
            throw e;
        }
        try {
            EmbeddedServer server = gateway.getBean(EmbeddedServer.class);
            server.start();
            base = server.getURI();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** An agent with a daily budget of its own and an API key. */
    public Caller caller(String dailyLimit) {
        Agent agent = agent(null);
        policy(agent, dailyLimit, TimeWindow.DAILY, WindowType.CALENDAR, null);
        return caller(agent);
    }

    /** An agent under {@code parent} (null: a root), with no budget yet. */
    Agent agent(UUID parent) {
        return gateway.getBean(AgentStore.class).create(new AgentDraft("gw-" + UUID.randomUUID(), "", "ops@example.com", parent, Map.of()));
    }

    /** A USD budget of {@code agent}'s; with {@code delegatedFrom} (its parent) carved out of the parent's budget for that window. */
    BudgetPolicy policy(Agent agent, String limit, TimeWindow window, WindowType type, UUID delegatedFrom) {
        return gateway.getBean(PolicyStore.class).create(agent.id(), new PolicyTerms(new Money(new BigDecimal(limit), new CurrencyCode("USD")),
                window, type, null), delegatedFrom, new PolicyChange("test", "test"));
    }

    /** {@code agent} with a new API key. */
    Caller caller(Agent agent) {
        return new Caller(agent, gateway.getBean(ApiKeyStore.class).create(agent.id(), "test").plaintext());
    }

    /**
     * The status {@code call} answers once it answers {@code expected}: a change made through a store reaches the
     * gateway's caches by notification, a few milliseconds after it commits. The one-second bound itself is
     * GatewayCacheInvalidationTest's to check; here a loaded machine must not turn a late notice into a failure.
     */
    static int statusOnceHeard(java.util.concurrent.Callable<Integer> call, int expected) {
        return io.caracal.testing.Await.until(java.time.Duration.ofSeconds(10), () -> {
            try {
                return call.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, status -> status == expected);
    }

    public BigDecimal spent(Caller caller) {
        Instant now = Instant.now();
        return gateway.getBean(HoldStore.class).spend(caller.agent().id(), now.minusSeconds(3600), now.plusSeconds(60), false)
                .getOrDefault(new CurrencyCode("USD"), BigDecimal.ZERO);
    }

    @Override
    public void close() {
        releaseSlow.countDown();
        releaseStream.countDown();
        gateway.close();
        upstream.stop(0);
        try (var files = java.nio.file.Files.walk(journal)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A call to the stub upstream by {@code caller}, estimated at 0.30 (which the stub then charges), with {@code headers} added. */
    public HttpResponse<String> callAt030(Caller caller, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/stub/chat")).header("X-API-Key", caller.key())
                .header("X-Caracal-Estimated-Cost", "0.30").POST(HttpRequest.BodyPublishers.ofString("{}"));
        headers.forEach(request::header);
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An answer as "status error" (the documented body's error; nothing after the status when there is none), for assertions. */
    public static String outcome(HttpResponse<String> response) {
        try {
            return response.statusCode() + " " + Optional.ofNullable(JSON.readTree(response.body()).get("error")).map(e -> e.asText()).orElse("");
        } catch (IOException e) {
            return response.statusCode() + " " + response.body();
        }
    }
}
