package io.caracal.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.event.Topics;
import io.caracal.core.event.OutboxStore;
import io.caracal.embedded.EmbeddedKafkaBroker;
import io.caracal.embedded.FreePorts;
import io.caracal.gateway.GatewayFixture.Caller;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Metering and decision events reach Kafka; while Kafka is down they wait in the outbox and arrive once. */
class GatewayKafkaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final int PORT = FreePorts.next();
    private static final int CONTROLLER_PORT = FreePorts.next();
    private static EmbeddedKafkaBroker broker;
    private static GatewayFixture f;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start(PORT, CONTROLLER_PORT);
        f = new GatewayFixture("gateway_kafka", Map.of("caracal.kafka.bootstrap-servers", broker.bootstrapServers(),
                "caracal.kafka.relay-interval", "200ms", "caracal.kafka.partitions", 2));
    }

    @AfterAll
    static void stop() {
        f.close();
        broker.close();
    }

    private static int call(Caller caller, String estimate) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(f.base.resolve("/stub/chat")).header("X-API-Key", caller.key())
                .header("X-Caracal-Estimated-Cost", estimate).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The ledger's event ids for an agent: the metering events Kafka must carry, one each. */
    private static Set<String> ledgerEventIds(Caller caller) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection c = f.gateway.getBean(javax.sql.DataSource.class).getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT event_id FROM ledger_events WHERE agent_id = '" + caller.agent().id() + "'")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** Reads a topic from the beginning until {@code until} holds or 60 s pass; returns every record of this agent. */
    private static List<JsonNode> read(String topic, Caller caller, java.util.function.Predicate<List<JsonNode>> until) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<JsonNode> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(60);
            while (!until.test(events) && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key().equals(caller.agent().id().toString())) {
                        // Avro on the wire, read with the writer schema its fingerprint header names; rendered as JSON to inspect.
                        JsonNode event = JSON.readTree(io.caracal.core.event.EventCodec.decodeAny(record.value(), new String(
                                record.headers().lastHeader(io.caracal.core.event.EventCodec.FINGERPRINT_HEADER).value(), StandardCharsets.UTF_8)).toString());
                        assertEquals(event.get("event_id").asText(),
                                new String(record.headers().lastHeader("event_id").value(), StandardCharsets.UTF_8), "the idempotency key rides in a header");
                        events.add(event);
                    }
                }
            }
        }
        return events;
    }

    @Test
    void everySettledCallAndEveryDecisionIsPublishedOnceEvenAcrossAKafkaOutage() throws Exception {
        Caller caller = f.caller("1.00");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, call(caller, "0.30"));
        }
        assertEquals(403, call(caller, "0.30"), "denials are decisions too");
        List<JsonNode> metering = read(Topics.METERING, caller, events -> events.size() >= 3);
        assertEquals(ledgerEventIds(caller), metering.stream().map(e -> e.get("event_id").asText()).collect(java.util.stream.Collectors.toSet()));
        assertEquals(3, metering.size());
        assertEquals("0.30", metering.get(0).get("amount").asText());
        List<JsonNode> decisions = read(Topics.POLICY_DECISIONS, caller, events -> events.size() >= 4);
        assertEquals(List.of("allowed", "allowed", "allowed", "denied"), decisions.stream().map(e -> e.get("decision").asText()).toList());

        // Kafka goes away: calls still work, and their events wait in PostgreSQL.
        broker.close();
        Caller during = f.caller("5.00");
        for (int i = 0; i < 4; i++) {
            assertEquals(200, call(during, "0.30"));
        }
        assertTrue(f.gateway.getBean(OutboxStore.class).pending() >= 8, "4 metering and 4 decision events are waiting");

        // Kafka comes back (empty, as after losing its volume): every waiting event arrives exactly once.
        broker = EmbeddedKafkaBroker.start(PORT, CONTROLLER_PORT);
        Set<String> expected = ledgerEventIds(during);
        assertEquals(4, expected.size());
        List<JsonNode> delivered = read(Topics.METERING, during, events -> events.size() >= 4);
        List<String> ids = delivered.stream().map(e -> e.get("event_id").asText()).toList();
        assertEquals(expected, new HashSet<>(ids));
        assertEquals(4, ids.size(), "no duplicates: " + ids);
        assertEquals(4, read(Topics.POLICY_DECISIONS, during, events -> events.size() >= 4).size());
    }
}
