package io.caracal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.embedded.SharedServices;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What every consumer function's health port answers (docs/pipeline.md), checked the same way for each: /health
 * and /ready in the deployment guide's JSON, /ready 503 while a store it needs (reached through a relay) is cut,
 * and ready again once it is back.
 */
public final class ConsumerHealth {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Joining the consumer group on a machine the suite shares. */
    private static final Duration JOIN = Duration.ofSeconds(60);

    private ConsumerHealth() {
    }

    /**
     * A consumer context's properties: database {@code name} (created and migrated), the shared Kafka and Redis, the
     * health port on a free port, the metrics function's Prometheus port off; then {@code overrides}.
     */
    public static Map<String, Object> properties(String name, Map<String, Object> overrides) {
        Map<String, Object> properties = new HashMap<>(TestDatabase.contextProperties(name));
        properties.put("caracal.kafka.bootstrap-servers", SharedServices.kafka().bootstrapServers());
        properties.put("caracal.consumers.health-port", 0);
        properties.put("caracal.consumers.health-host", "127.0.0.1");
        properties.put("caracal.metrics.port", -1);
        properties.putAll(overrides);
        return properties;
    }

    /** The shared PostgreSQL's database {@code name}, reached through {@code relay}. */
    public static Map<String, Object> databaseThrough(TcpRelay relay, String name) {
        return Map.of("datasources.default.url", "jdbc:postgresql://127.0.0.1:" + relay.port() + "/" + name);
    }

    /** The shared Redis, reached through {@code relay}. */
    public static Map<String, Object> redisThrough(TcpRelay relay) {
        return Map.of("caracal.redis.url", "redis://127.0.0.1:" + relay.port());
    }

    /**
     * {@code checks}: the names /ready must report, for example database and kafka; {@code relayed}: the one of them
     * reached through {@code relay}, which /ready must report unhealthy (503) while the relay is cut.
     */
    public static void assertTellsTheTruth(int healthPort, Set<String> checks, String relayed, TcpRelay relay) throws IOException {
        URI base = URI.create("http://127.0.0.1:" + healthPort);
        JsonNode health = body(base, "/health", 200);
        assertTrue("ok".equals(health.path("status").asText()) && health.has("version") && health.has("uptime_seconds"), "/health: " + health);

        JsonNode ready = Await.until(JOIN, () -> get(base, "/ready"), r -> r.statusCode() == 200).body();
        assertTrue("ok".equals(ready.path("status").asText()) && ready.has("version") && ready.has("uptime_seconds"), "/ready: " + ready);
        assertTrue(new TreeSet<>(checks).equals(names(ready)), "/ready checks " + checks + ": " + ready);
        for (String check : checks) {
            assertTrue("ok".equals(ready.path("checks").path(check).path("status").asText())
                    && ready.path("checks").path(check).has("duration_ms"), check + ": " + ready);
        }

        relay.cut();
        try {
            JsonNode down = body(base, "/ready", 503);
            assertTrue("unhealthy".equals(down.path("status").asText()), "/ready without " + relayed + ": " + down);
            assertTrue("unhealthy".equals(down.path("checks").path(relayed).path("status").asText())
                    && down.path("checks").path(relayed).has("message"), "/ready without " + relayed + ": " + down);
            assertTrue("ok".equals(body(base, "/health", 200).path("status").asText()), "the process itself is alive");
        } finally {
            relay.restore();
        }
        Await.until(JOIN, () -> get(base, "/ready").statusCode() == 200, "ready again once " + relayed + " is back");
    }

    private record Answer(int statusCode, JsonNode body) {
    }

    private static Answer get(URI base, String path) {
        try {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), path + " content type");
            return new Answer(response.statusCode(), JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode body(URI base, String path, int status) {
        Answer answer = get(base, path);
        assertTrue(answer.statusCode() == status, path + " answered " + answer.statusCode() + ", not " + status + ": " + answer.body());
        return answer.body();
    }

    private static Set<String> names(JsonNode ready) {
        Set<String> names = new TreeSet<>();
        ready.path("checks").fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** test-support has no JUnit on its main classpath: an AssertionError is what JUnit reports as a failure. */
    private static void assertTrue(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
