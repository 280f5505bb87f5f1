package io.caracal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentDraft;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.agent.ApiKeyStore;
import io.caracal.core.audit.AuditStore;
import io.caracal.core.audit.AuditWriter;
import io.caracal.core.delegation.DelegationKeyStore;
import io.caracal.core.delegation.DelegationService;
import io.caracal.core.delegation.RevocationStore;
import io.caracal.core.event.Topics;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.pipeline.ConsumedRecord;
import io.caracal.core.policy.PolicyChange;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.policy.PolicyTerms;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.store.Database;
import io.caracal.embedded.FreePorts;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.Await;
import io.caracal.testing.ChildProcess;
import io.caracal.testing.GatewayStart;
import io.caracal.testing.SecuredRedis;
import io.caracal.testing.TestDatabase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway as its container runs it — {@code GatewayApplication} configured by environment variables alone, with its
 * own logback.xml, so JSON lines on stdout — given every kind of secret it takes: an API key and a JWT (AUTH_MODE=both,
 * the key in JWT_PUBLIC_KEY_PATH), a Redis password (REDIS_PASSWORD), a database password (DB_PASSWORD), the receipt
 * signing key (RECEIPT_SIGNING_KEY_PATH) and the /stats token. After calls that pass, are refused and fail, none of
 * those secrets, in clear, base64 or URL-encoded, is in a line the process wrote (at DEBUG), in an event it produced
 * to Kafka, or in a row the audit writer made of those events. And the lines about one request are JSON carrying its
 * request id and its agent's id.
 */
class GatewayLogsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String ISSUER = "https://issuer.test";
    private static final String AUDIENCE = "caracal-gateway";
    private static final String DATABASE = "gateway_logs";
    private static final String DB_ROLE = "caracal_logs";

    private static HikariDataSource pool;
    private static SecuredRedis redis;
    private static HttpServer upstream;
    private static ChildProcess gateway;
    private static URI base;
    private static Agent agent;
    private static ECKey jwtKey;
    /** Each secret the gateway was given, by name. */
    private static final Map<String, String> SECRETS = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("gateway-logs");
        redis = SecuredRedis.start();
        pool = TestDatabase.pool(DATABASE);
        String dbPassword = password("db");
        TestDatabase.passwordRole(DB_ROLE, dbPassword);
        Database db = new Database(pool);
        agent = new AgentStore(db, Clock.systemUTC()).create(new AgentDraft("logs-" + UUID.randomUUID(), "", "ops@example.com", null, Map.of()));
        new PolicyStore(db, Clock.systemUTC()).create(agent.id(), new PolicyTerms(new Money(new BigDecimal("10"), new CurrencyCode("USD")),
                TimeWindow.DAILY, WindowType.CALENDAR, null), null, new PolicyChange("test", "test"));
        String apiKey = new ApiKeyStore(db, Clock.systemUTC()).create(agent.id(), "logs").plaintext();
        // A child spending under a delegation token its parent (the agent above) signed.
        Agent child = new AgentStore(db, Clock.systemUTC()).create(new AgentDraft("logs-child-" + UUID.randomUUID(), "", "ops@example.com", agent.id(), Map.of()));
        String childKey = new ApiKeyStore(db, Clock.systemUTC()).create(child.id(), "logs-child").plaintext();
        PemKeys.SigningKey parentKey = PemKeys.generate();
        DelegationKeyStore delegationKeys = new DelegationKeyStore(db, Clock.systemUTC());
        delegationKeys.register(agent.id(), parentKey.publicKey());
        String delegationToken = new DelegationService(new AgentStore(db, Clock.systemUTC()), new PolicyStore(db, Clock.systemUTC()), delegationKeys,
                new RevocationStore(db, Clock.systemUTC()), Clock.systemUTC())
                .issue(agent.id(), child.id(), new Money(new BigDecimal("5"), new CurrencyCode("USD")), Duration.ofHours(1), null, 2, parentKey).token();
        jwtKey = new ECKeyGenerator(Curve.P_256).generate();
        Path jwtPublic = Files.writeString(dir.resolve("jwt.pem"), PemKeys.publicPem(jwtKey.toECPublicKey()));
        Path receiptKey = dir.resolve("receipt.pem");
        PemKeys.generate(receiptKey);
        String statsToken = password("stats");

        SECRETS.put("API key", apiKey);
        SECRETS.put("JWT", jwt());
        SECRETS.put("JWT signature", SECRETS.get("JWT").substring(SECRETS.get("JWT").lastIndexOf('.') + 1));
        SECRETS.put("child's API key", childKey);
        SECRETS.put("delegation token", delegationToken);
        SECRETS.put("delegation token signature", delegationToken.substring(delegationToken.lastIndexOf('.') + 1));
        SECRETS.put("database password", dbPassword);
        SECRETS.put("Redis password", redis.password());
        SECRETS.put("stats token", statsToken);
        List<String> keyLines = Files.readAllLines(receiptKey).stream().filter(line -> !line.startsWith("-----")).toList();
        SECRETS.put("receipt signing key", String.join("", keyLines));
        for (int i = 0; i < keyLines.size(); i++) {
            SECRETS.put("receipt signing key, PEM line " + (i + 1), keyLines.get(i));
        }

        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            boolean fail = exchange.getRequestURI().getPath().endsWith("/fail");
            if (!fail) {
                exchange.getResponseHeaders().add("X-Caracal-Actual-Cost", "0.30");
            }
            exchange.sendResponseHeaders(fail ? 500 : 200, -1);
            exchange.close();
        });
        upstream.start();

        int port = FreePorts.next();
        int metricsPort = FreePorts.next();
        Map<String, String> environment = new HashMap<>(GatewayStart.environment(DATABASE, port, metricsPort));
        environment.put("DB_USER", DB_ROLE);
        environment.put("DB_PASSWORD", dbPassword);
        environment.put("REDIS_URL", "");
        environment.put("REDIS_HOST", redis.host());
        environment.put("REDIS_PORT", Integer.toString(redis.port()));
        environment.put("REDIS_PASSWORD", redis.password());
        environment.put("AUTH_MODE", "both");
        environment.put("JWT_PUBLIC_KEY_PATH", jwtPublic.toString());
        environment.put("JWT_ISSUER", ISSUER);
        environment.put("JWT_AUDIENCE", AUDIENCE);
        environment.put("RECEIPT_SIGNING_KEY_PATH", receiptKey.toString());
        environment.put("STATS_TOKEN", statsToken);
        // More than production logs (INFO): what no line may hold, no line at any level may hold.
        environment.put("LOG_LEVEL", "DEBUG");
        environment.put("CARACAL_GATEWAY_UPSTREAMS_STUB_URL", "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1");
        // The test class path holds logback-test.xml (plain text for the tests' own logs); the process uses its own file.
        gateway = ChildProcess.start("gateway-logs", List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-Dlogback.configurationFile=logback.xml", "-cp", System.getProperty("java.class.path"),
                GatewayApplication.class.getName()), environment);
        GatewayStart.awaitReady(gateway, port, metricsPort);
        base = GatewayStart.base(port);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.stop(0);
        }
        if (redis != null) {
            redis.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    private static String password(String what) {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        return what + "!" + HexFormat.of().formatHex(random) + "&/+=";
    }

    private static String jwt() throws Exception {
        Instant now = Instant.now();
        SignedJWT token = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE)
                .claim("agent_id", agent.id().toString()).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600))).build());
        token.sign(new ECDSASigner(jwtKey));
        return token.serialize();
    }

    private static HttpResponse<String> call(String path, String requestId, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).header("X-Request-ID", requestId)
                .header("X-Caracal-Estimated-Cost", "0.50");
        headers.forEach(request::header);
        return CLIENT.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every line the gateway wrote, each parsed: its stdout holds log lines only, and each is one JSON object. */
    private static List<JsonNode> logLines() {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : gateway.output().lines().toList()) {
            try {
                lines.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new AssertionError("a line the gateway wrote is not JSON: " + line, e);
            }
        }
        return lines;
    }

    @Test
    void theLinesAboutOneRequestAreJsonWithItsRequestIdAndAgentId() throws Exception {
        String requestId = "logs-json-" + UUID.randomUUID();
        HttpResponse<String> served = call("/stub/chat", requestId, Map.of("X-API-Key", SECRETS.get("API key")));
        assertEquals(200, served.statusCode(), served.body());

        List<JsonNode> about = Await.until(Duration.ofSeconds(10),
                () -> logLines().stream().filter(line -> requestId.equals(line.path("request_id").asText())).toList(), lines -> !lines.isEmpty());
        assertFalse(about.isEmpty(), "no line about request " + requestId + " in:\n" + gateway.output());
        for (JsonNode line : about) {
            assertEquals(agent.id().toString(), line.path("agent_id").asText(), line.toString());
            assertEquals("gateway", line.path("component").asText(), line.toString());
            assertTrue(line.hasNonNull("timestamp") && line.hasNonNull("level") && line.hasNonNull("message"), line.toString());
        }
        JsonNode processed = about.stream().filter(line -> line.path("message").asText().equals("request processed")).findFirst()
                .orElseThrow(() -> new AssertionError("no 'request processed' line among " + about));
        assertEquals(200, processed.path("status").asInt(), processed.toString());
        assertEquals("GET", processed.path("method").asText(), processed.toString());
        assertEquals("stub", processed.path("upstream").asText(), processed.toString());
        assertTrue(processed.path("duration_ms").isIntegralNumber(), processed.toString());
    }

    @Test
    void noSecretReachesALogLineAnEventOrAnAuditRow() throws Exception {
        String run = UUID.randomUUID().toString();
        Map<String, Integer> answered = new LinkedHashMap<>();
        answered.put("api key", call("/stub/chat", run + "-key", Map.of("X-API-Key", SECRETS.get("API key"))).statusCode());
        answered.put("jwt", call("/stub/chat", run + "-jwt", Map.of("Authorization", "Bearer " + SECRETS.get("JWT"))).statusCode());
        answered.put("both", call("/stub/chat", run + "-both", Map.of("Authorization", "Bearer " + SECRETS.get("JWT"),
                "X-API-Key", SECRETS.get("API key"))).statusCode());
        answered.put("delegated", call("/stub/chat", run + "-delegated", Map.of("X-API-Key", SECRETS.get("child's API key"),
                "X-Caracal-Delegation", SECRETS.get("delegation token"))).statusCode());
        answered.put("tampered delegation", call("/stub/chat", run + "-tampered-delegation", Map.of("X-API-Key", SECRETS.get("child's API key"),
                "X-Caracal-Delegation", SECRETS.get("delegation token") + "x")).statusCode());
        answered.put("upstream fails", call("/stub/fail", run + "-fail", Map.of("X-API-Key", SECRETS.get("API key"))).statusCode());
        answered.put("tampered jwt", call("/stub/chat", run + "-tampered", Map.of("Authorization", "Bearer " + SECRETS.get("JWT") + "x")).statusCode());
        answered.put("wrong key", call("/stub/chat", run + "-wrong", Map.of("X-API-Key", SECRETS.get("API key") + "x")).statusCode());
        answered.put("unknown upstream", call("/nowhere", run + "-nowhere", Map.of("X-API-Key", SECRETS.get("API key"))).statusCode());
        answered.put("stats", CLIENT.send(HttpRequest.newBuilder(base.resolve("/stats")).header("Authorization", "Bearer " + SECRETS.get("stats token"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        answered.put("stats, wrong token", CLIENT.send(HttpRequest.newBuilder(base.resolve("/stats"))
                .header("Authorization", "Bearer " + SECRETS.get("stats token") + "x").build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(Map.ofEntries(Map.entry("api key", 200), Map.entry("jwt", 200), Map.entry("both", 200), Map.entry("delegated", 200),
                Map.entry("tampered delegation", 403), Map.entry("upstream fails", 500), Map.entry("tampered jwt", 401), Map.entry("wrong key", 401),
                Map.entry("unknown upstream", 404), Map.entry("stats", 200), Map.entry("stats, wrong token", 401)), answered);

        // The charged calls' events reach Kafka through the outbox: everything on the broker is read once they are there.
        List<ConsumerRecord<byte[], byte[]>> events = Await.until(Duration.ofSeconds(60), GatewayLogsTest::everyEvent,
                all -> all.stream().filter(r -> Topics.METERING.equals(r.topic())).map(r -> latin1(r.value()))
                        .filter(value -> value.contains(run + "-key") || value.contains(run + "-jwt") || value.contains(run + "-both")).count() == 3);
        List<ConsumerRecord<byte[], byte[]>> agentEvents = events.stream()
                .filter(r -> r.key() != null && agent.id().toString().equals(new String(r.key(), StandardCharsets.UTF_8)) && !Topics.DLQ.equals(r.topic()))
                .toList();
        new AuditWriter(new AuditStore(new Database(pool), Clock.systemUTC())).process(agentEvents.stream().map(GatewayLogsTest::consumed).toList());
        List<String> auditRows = auditRows();
        // The outbox publishes at least once: an event sent twice is one audit row.
        long distinctEvents = agentEvents.stream().map(r -> r.topic() + latin1(r.value())).distinct().count();
        assertTrue(auditRows.size() >= distinctEvents && distinctEvents >= 3, auditRows.size() + " audit rows of " + distinctEvents + " events");

        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("the gateway's output", gateway.output());
        for (ConsumerRecord<byte[], byte[]> event : events) {
            StringBuilder text = new StringBuilder(latin1(event.key())).append(' ').append(latin1(event.value()));
            for (Header header : event.headers()) {
                text.append(' ').append(header.key()).append('=').append(latin1(header.value()));
            }
            texts.put("event " + event.topic() + "-" + event.partition() + "@" + event.offset(), text.toString());
        }
        for (int i = 0; i < auditRows.size(); i++) {
            texts.put("audit row " + i, auditRows.get(i));
        }
        assertTrue(gateway.output().contains(run + "-key") && gateway.output().contains(run + "-tampered"),
                "the requests were logged, so their lines were searched");
        assertEquals(List.of(), SecretGrep.find(texts, SECRETS));
    }

    @Test
    void theSearchFindsEachSecretInEachOfItsForms() {
        for (Map.Entry<String, String> secret : SECRETS.entrySet()) {
            for (String form : SecretGrep.forms(secret.getValue())) {
                List<String> found = SecretGrep.find(Map.of("a planted line", "{\"message\":\"x " + form + " y\"}"), Map.of(secret.getKey(), secret.getValue()));
                assertEquals(List.of(secret.getKey() + " in a planted line"), found, form);
            }
        }
        assertEquals(List.of(), SecretGrep.find(Map.of("a clean line", "{\"message\":\"nothing here\"}"), SECRETS));
    }

    /** Every record on the broker, from the beginning of every Caracal topic to its end now. */
    private static List<ConsumerRecord<byte[], byte[]>> everyEvent() {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", SharedServices.kafka().bootstrapServers(),
                "isolation.level", "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.listTopics().forEach((topic, infos) -> {
                if (Topics.ALL.contains(topic)) {
                    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                }
            });
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Instant deadline = Instant.now().plusSeconds(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("could not read every event in 30 s");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    private static ConsumedRecord consumed(ConsumerRecord<byte[], byte[]> record) {
        Map<String, byte[]> headers = new HashMap<>();
        record.headers().forEach(header -> headers.put(header.key(), header.value()));
        return new ConsumedRecord(record.topic(), record.partition(), record.offset(), new String(record.key(), StandardCharsets.UTF_8),
                record.value(), headers, record.timestamp());
    }

    /** Every row of the audit log, each column as text (bytes as Latin-1, so any string in them is found as it is). */
    private static List<String> auditRows() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT * FROM audit_log")) {
            int columns = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    Object value = r.getObject(i);
                    row.append(r.getMetaData().getColumnName(i)).append('=').append(value instanceof byte[] bytes ? latin1(bytes) : String.valueOf(value)).append(' ');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    private static String latin1(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** The search: each secret as it is, base64 (standard and URL-safe, with or without padding) and URL-encoded. */
    static final class SecretGrep {
        private SecretGrep() {
        }

        static List<String> forms(String secret) {
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            return List.of(secret, Base64.getEncoder().encodeToString(bytes), Base64.getEncoder().withoutPadding().encodeToString(bytes),
                    Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), URLEncoder.encode(secret, StandardCharsets.UTF_8));
        }

        /** "<secret's name> in <text's name>" for each secret found in a text, in any of its {@link #forms}. */
        static List<String> find(Map<String, String> texts, Map<String, String> secrets) {
            List<String> found = new ArrayList<>();
            texts.forEach((where, text) -> secrets.forEach((name, secret) -> {
                if (forms(secret).stream().anyMatch(text::contains)) {
                    found.add(name + " in " + where);
                }
            }));
            return found;
        }
    }
}
