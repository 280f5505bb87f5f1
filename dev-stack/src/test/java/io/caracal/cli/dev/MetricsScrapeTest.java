package io.caracal.cli.dev;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.audit.AuditWriter;
import io.caracal.core.event.EventSchemas;
import io.caracal.core.event.KafkaTopics;
import io.caracal.core.event.OutboxEvent;
import io.caracal.core.event.OutboxRelay;
import io.caracal.core.event.Topics;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.ledger.LedgerWriter;
import io.caracal.core.metrics.PrometheusEndpoint;
import io.caracal.core.spend.SpendAggregator;
import io.caracal.embedded.EmbeddedKafkaBroker;
import io.caracal.gateway.GatewayApplication;
import io.caracal.testing.Await;
import io.caracal.testing.TestDatabase;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17's must-show: the gateway and the three consumer functions, each with its own context and metrics port as
 * its container would run, take known traffic (calls allowed, refused for budget, refused for authentication, and a
 * poison record); then every process's {@code GET /metrics} is scraped and every seed metric name, and every name the
 * dashboards and alert rules query (infra/monitoring/exported-metrics.txt), is found with the values the traffic
 * implies: counts equal to the calls sent, spend equal to the ledger's, lag back to 0.
 */
class MetricsScrapeTest {
    private static final String DATABASE = "metrics_scrape_" + Long.toHexString(System.nanoTime());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final Duration CATCH_UP = Duration.ofSeconds(90);
    private static final Path EXPORTED = Path.of("..", "infra", "monitoring", "exported-metrics.txt");
    /** Every metric name seeds 000, 002 and 003 name. */
    private static final List<String> SEED_METRICS = List.of("caracal_requests_total", "caracal_request_duration_seconds",
            "caracal_gateway_requests_total", "caracal_gateway_request_duration_seconds", "caracal_policy_evaluations_total",
            "caracal_gateway_auth_failures_total", "caracal_spending_total", "caracal_kafka_consumer_lag", "kafka_consumer_lag",
            "caracal_kafka_message_processing_duration_seconds", "caracal_kafka_consumer_errors_total", "caracal_merkle_batches_created_total",
            "caracal_merkle_batch_size", "caracal_merkle_batch_processing_duration_seconds", "caracal_merkle_verification_failures_total",
            "caracal_database_queries_total", "caracal_database_query_duration_seconds", "caracal_database_connection_pool_size",
            "caracal_dlq_size", "caracal_dlq_oldest_message_age_seconds");
    private static final int ALLOWED = 5;
    private static final int OVER_BUDGET = 2;
    private static final int BAD_KEY = 3;

    @TempDir
    static Path home;
    private static EmbeddedKafkaBroker kafka;
    private static DemoUpstream upstream;
    private static final List<ApplicationContext> contexts = new ArrayList<>();
    private static Map<String, String> cliEnv;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafkaBroker.start(); // its own broker: the consumer groups are this test's alone
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            KafkaTopics.ensure(admin, Topics.ALL, KafkaTopics.Spec.partitions(3));
        }
        upstream = DemoUpstream.start();
        cliEnv = CliJson.environment(DATABASE, home);
    }

    @AfterAll
    static void stop() {
        contexts.forEach(ApplicationContext::close);
        upstream.close();
        kafka.close();
    }

    /** One process's context, as its container runs it: the shared connections, this test's broker, its metrics on a free port. */
    private static ApplicationContext process(Map<String, Object> extra, String... environments) {
        Map<String, Object> properties = new HashMap<>(TestDatabase.contextProperties(DATABASE));
        properties.put("caracal.kafka.bootstrap-servers", kafka.bootstrapServers());
        properties.put("caracal.metrics.port", 0);
        properties.put("caracal.metrics.host", "127.0.0.1");
        properties.put("caracal.consumers.health-port", 0); // a consumer's /health and /ready on a free port (the gateway has its own)
        properties.putAll(extra);
        ApplicationContext context = ApplicationContext.builder().environments(environments).properties(properties).start();
        contexts.add(context);
        return context;
    }

    @Test
    void everySeedMetricIsScrapedWithTheValuesTheTrafficImplies() throws Exception {
        ApplicationContext gateway = process(Map.of("micronaut.server.port", -1, "micronaut.server.ssl.enabled", false,
                "caracal.consumers.health-port", -1, "caracal.gateway.auth.mode", "api_key", "caracal.gateway.upstreams.demo.url", upstream.url()),
                GatewayApplication.ENVIRONMENTS);
        EmbeddedServer server = gateway.getBean(EmbeddedServer.class);
        server.start();
        Path merkleKey = home.resolve("merkle.pem");
        PemKeys.generate(merkleKey);
        ApplicationContext ledger = process(Map.of("caracal.merkle.signing-key-path", merkleKey.toString(),
                "caracal.merkle.batch-timeout", "1s"), "services", "ledger");
        ApplicationContext metrics = process(Map.of(), "services", "metrics");
        ApplicationContext audit = process(Map.of("caracal.dlq.gauge-interval", "1s"), "services", "audit");

        String allowedKey = caller("10.00");
        String overBudgetKey = caller("0.20");
        int sent = 0;
        for (int i = 0; i < ALLOWED; i++, sent++) {
            assertEquals(200, call(server.getURI(), allowedKey));
        }
        for (int i = 0; i < OVER_BUDGET; i++, sent++) {
            assertEquals(403, call(server.getURI(), overBudgetKey));
        }
        for (int i = 0; i < BAD_KEY; i++, sent++) {
            assertEquals(401, call(server.getURI(), "ck_not_a_key_" + i));
        }
        poisonRecord();

        BigDecimal ledgerSpend = Await.until(CATCH_UP, () -> ledgerSpend(gateway), spend -> spend.count == ALLOWED).total;
        Scrape ledgerScrape = Await.until(CATCH_UP, () -> scrape(ledger), s -> s.sum("caracal_merkle_batch_size_sum") == ALLOWED
                && s.sum("caracal_kafka_consumer_errors_total", Map.of("reason", "dead_letter")) == 1 && s.allZero("caracal_kafka_consumer_lag"));
        Scrape metricsScrape = Await.until(CATCH_UP, () -> scrape(metrics), s -> s.sum("caracal_metering_events_processed_total") == ALLOWED
                && s.sum("caracal_kafka_consumer_errors_total", Map.of("reason", "dead_letter")) == 1 && s.allZero("caracal_kafka_consumer_lag"));
        Scrape auditScrape = Await.until(CATCH_UP, () -> scrape(audit), s -> s.sum("caracal_dlq_size") == 3
                && s.sum("caracal_kafka_consumer_errors_total", Map.of("reason", "dead_letter")) == 1 && s.allZero("caracal_kafka_consumer_lag"));
        Scrape gatewayScrape = scrape(gateway);
        // What each process served, for whoever reads a failure.
        Map<String, Scrape> scrapes = Map.of("gateway", gatewayScrape, "ledger", ledgerScrape, "metrics", metricsScrape, "audit", auditScrape);
        for (Map.Entry<String, Scrape> s : scrapes.entrySet()) {
            Files.writeString(Files.createDirectories(Path.of("target", "metrics-scrape")).resolve(s.getKey() + ".prom"), s.getValue().text());
        }

        // The gateway: every call counted once under both names, timed, judged, refused.
        for (String requests : List.of("caracal_requests_total", "caracal_gateway_requests_total")) {
            assertEquals(sent, gatewayScrape.sum(requests), requests);
            assertEquals(ALLOWED, gatewayScrape.sum(requests, Map.of("status", "ok", "status_code", "200")), requests);
            assertEquals(OVER_BUDGET, gatewayScrape.sum(requests, Map.of("status_code", "403")), requests);
            assertEquals(BAD_KEY, gatewayScrape.sum(requests, Map.of("status_code", "401")), requests);
        }
        for (String duration : List.of("caracal_request_duration_seconds_count", "caracal_gateway_request_duration_seconds_count")) {
            assertEquals(sent, gatewayScrape.sum(duration), duration);
        }
        assertEquals(ALLOWED, gatewayScrape.sum("caracal_policy_evaluations_total", Map.of("decision", "allowed")));
        assertEquals(OVER_BUDGET, gatewayScrape.sum("caracal_policy_evaluations_total", Map.of("decision", "denied")));
        assertEquals(BAD_KEY, gatewayScrape.sum("caracal_gateway_auth_failures_total"));
        assertEquals(0, gatewayScrape.sum("caracal_gateway_rate_limited_total"), "no call was rate limited");
        assertEquals(0, ledgerSpend.compareTo(BigDecimal.valueOf(gatewayScrape.sum("caracal_gateway_charged_total")).setScale(ledgerSpend.scale(),
                java.math.RoundingMode.HALF_EVEN)), "the gateway charged what the ledger holds");
        assertTrue(gatewayScrape.families().stream().noneMatch(f -> f.equals("caracal_spending_total")), "spend is the metrics function's alone");

        // Every process: its database work, pool, JVM and Kafka client binders.
        for (Scrape s : List.of(gatewayScrape, ledgerScrape, auditScrape)) {
            assertTrue(s.sum("caracal_database_queries_total") > 0, "database work counted");
            assertEquals(s.sum("caracal_database_queries_total"), s.sum("caracal_database_query_duration_seconds_count"), "and timed");
            assertTrue(s.sum("caracal_database_connection_pool_size") >= 1, "the pool holds a connection");
        }
        for (Scrape s : List.of(gatewayScrape, ledgerScrape, metricsScrape, auditScrape)) {
            assertTrue(s.sum("jvm_memory_used_bytes") > 0 && s.sum("jvm_threads_live_threads") > 0
                    && s.families().stream().anyMatch(f -> f.startsWith("jvm_gc_")), "JVM binders: memory, threads, GC");
        }
        for (Scrape s : List.of(ledgerScrape, metricsScrape, auditScrape)) {
            assertTrue(s.families().stream().anyMatch(f -> f.startsWith("kafka_consumer_") && !f.equals("kafka_consumer_lag")), "Kafka client binder");
            assertTrue(s.sum("caracal_kafka_message_processing_duration_seconds_count") >= 1, "batches timed");
            assertTrue(s.has("kafka_consumer_lag"), "lag under the seed 002 alert's name too");
        }
        assertTrue(gatewayScrape.has("hikaricp_connections"), "Hikari binder");
        assertTrue(gatewayScrape.families().stream().anyMatch(f -> f.startsWith("executor")), "executor binder");

        // The consumers: spend equal to the ledger's, exported once; Merkle checkpoints over every event; the dead letters.
        assertEquals(0, ledgerSpend.compareTo(BigDecimal.valueOf(metricsScrape.sum("caracal_spending_total")).setScale(ledgerSpend.scale(),
                java.math.RoundingMode.HALF_EVEN)), "caracal_spending_total is the ledger's spend");
        assertTrue(ledgerScrape.sum("caracal_merkle_batches_created_total") >= 1);
        assertEquals(ledgerScrape.sum("caracal_merkle_batches_created_total"), ledgerScrape.sum("caracal_merkle_batch_size_count"));
        assertTrue(ledgerScrape.sum("caracal_merkle_batch_processing_duration_seconds_count") >= 1);
        assertEquals(0, ledgerScrape.sum("caracal_merkle_verification_failures_total"));
        assertTrue(auditScrape.sum("caracal_dlq_oldest_message_age_seconds") >= 0 && auditScrape.has("caracal_dlq_oldest_message_age_seconds"));

        // Every seed metric and every name the dashboards and alert rules query is served by some process.
        Set<String> served = new TreeSet<>();
        for (Scrape s : List.of(gatewayScrape, ledgerScrape, metricsScrape, auditScrape)) {
            served.addAll(s.families());
        }
        List<String> missing = new ArrayList<>();
        for (String name : SEED_METRICS) {
            if (!served.contains(name)) {
                missing.add(name);
            }
        }
        for (String name : Files.readAllLines(EXPORTED)) {
            if (!name.isBlank() && !name.startsWith("#") && !served.contains(name.trim())) {
                missing.add(name.trim() + " (" + EXPORTED + ")");
            }
        }
        assertEquals(List.of(), missing, "served: " + served);
    }

    /** An agent with a daily budget of {@code limit} and an API key, made with the CLI; returns the key. */
    private static String caller(String limit) {
        String agentId = caracal("agent", "create", "--name", "scraped-" + UUID.randomUUID(), "--owner", "ops@example.com", "-o", "json")
                .path("agent_id").asText();
        caracal("policy", "create", "--agent-id", agentId, "--limit", limit, "-o", "json");
        return caracal("agent", "key", "create", "--agent-id", agentId, "--name", "scrape", "-o", "json").path("api_key").asText();
    }

    private static JsonNode caracal(String... args) {
        return CliJson.run(cliEnv, args);
    }

    private static int call(URI base, String apiKey) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(base.resolve("/demo/v1/chat/completions")).header("X-API-Key", apiKey)
                .header("X-Caracal-Estimated-Cost", "0.30").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"demo\"}")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** A metering record that is not Avro: every consumer of the topic sends it to the dead-letter queue. */
    private static void poisonRecord() throws Exception {
        OutboxEvent poison = new OutboxEvent(UUID.randomUUID(), Topics.METERING, UUID.randomUUID().toString(), EventSchemas.METERING,
                EventSchemas.get().latestFingerprint(EventSchemas.METERING), "{\"amount\": 1}".getBytes(StandardCharsets.UTF_8), Instant.now());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(OutboxRelay.record(poison)).get();
        }
    }

    private record Spend(long count, BigDecimal total) {
    }

    private static Spend ledgerSpend(ApplicationContext context) {
        try (Connection c = context.getBean(DataSource.class).getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), coalesce(sum(amount), 0) FROM ledger_events")) {
            rs.next();
            return new Spend(rs.getLong(1), rs.getBigDecimal(2));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Scrape scrape(ApplicationContext context) {
        URI uri = URI.create("http://127.0.0.1:" + context.getBean(PrometheusEndpoint.class).port() + "/metrics");
        try {
            HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return Scrape.parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Prometheus text: each sample's name, labels and value; families from the TYPE lines. */
    private record Scrape(String text, List<Sample> samples, Set<String> families) {
        record Sample(String name, Map<String, String> labels, double value) {
        }

        static Scrape parse(String text) {
            List<Sample> samples = new ArrayList<>();
            Set<String> families = new TreeSet<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("# TYPE ")) {
                    String[] parts = line.split(" ");
                    families.add(parts[2]);
                    // A counter's family is named without _total in the exposition format Micrometer writes.
                    families.add(parts[3].equals("counter") && !parts[2].endsWith("_total") ? parts[2] + "_total" : parts[2]);
                } else if (!line.isBlank() && !line.startsWith("#")) {
                    int brace = line.indexOf('{');
                    int space = line.lastIndexOf(' ');
                    String name = brace >= 0 ? line.substring(0, brace) : line.substring(0, space);
                    Map<String, String> labels = new HashMap<>();
                    if (brace >= 0) {
                        for (String pair : line.substring(brace + 1, line.lastIndexOf('}')).split("\",")) {
                            int eq = pair.indexOf('=');
                            if (eq > 0) {
                                labels.put(pair.substring(0, eq), pair.substring(eq + 2).replaceAll("\"$", ""));
                            }
                        }
                    }
                    samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
                }
            }
            return new Scrape(text, samples, families);
        }

        double sum(String name) {
            return sum(name, Map.of());
        }

        double sum(String name, Map<String, String> labels) {
            Predicate<Sample> wanted = s -> s.name.equals(name) && s.labels.entrySet().containsAll(labels.entrySet());
            return samples.stream().filter(wanted).mapToDouble(Sample::value).sum();
        }

        boolean has(String name) {
            return samples.stream().anyMatch(s -> s.name.equals(name));
        }

        boolean allZero(String name) {
            return has(name) && samples.stream().filter(s -> s.name.equals(name)).allMatch(s -> s.value == 0);
        }
    }
}
