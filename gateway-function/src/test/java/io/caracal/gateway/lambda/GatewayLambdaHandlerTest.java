package io.caracal.gateway.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.event.OutboxRelay;
import io.caracal.embedded.SharedServices;
import io.caracal.gateway.GatewayTestAccess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Lambda handler fed the event JSON API Gateway (HTTP API, payload 2.0) and an ALB actually send, in the
 * environments the Lambda runtime starts it with and with Kafka configured, as the Terraform configures it.
 */
class GatewayLambdaHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static GatewayTestAccess gateway;
    private static GatewayLambdaHandler handler;

    @BeforeAll
    static void start() throws Exception {
        gateway = GatewayTestAccess.start("gateway_lambda", GatewayLambdaHandler.ENVIRONMENTS,
                Map.of("caracal.kafka.bootstrap-servers", SharedServices.kafka().bootstrapServers()));
        handler = new GatewayLambdaHandler(gateway.context());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static JsonNode invoke(String resource, String apiKey) throws Exception {
        String event;
        try (InputStream in = GatewayLambdaHandlerTest.class.getResourceAsStream("/lambda/" + resource)) {
            event = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${API_KEY}", apiKey);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private static JsonNode body(JsonNode response) throws Exception {
        return JSON.readTree(Base64.getDecoder().decode(response.get("body").asText()));
    }

    @Test
    void apiGatewayV2EventsAreProxiedAndCharged() throws Exception {
        String key = gateway.callerKey("1.00");
        JsonNode response = invoke("apigw-v2-event.json", key);
        assertEquals(200, response.get("statusCode").asInt(), response.toString());
        assertTrue(response.get("isBase64Encoded").asBoolean());
        JsonNode upstream = body(response);
        assertEquals("/v1/chat/completions", upstream.get("path").asText());
        assertEquals("stream=false&user=a%20b", upstream.get("query").asText());
        assertEquals("0.30", response.get("headers").get("X-Caracal-Charged").asText());
        assertEquals("0.70", response.get("headers").get("X-Caracal-Remaining-Budget").asText());
        Map<String, List<String>> seen = gateway.lastSeenHeaders();
        assertEquals(List.of("session=abc"), seen.get("Cookie"));
        assertNull(seen.get("X-api-key"), "the agent's key does not reach the upstream");
        assertEquals(0, new BigDecimal("0.30").compareTo(gateway.spentBy(key)));
    }

    @Test
    void albEventsWithSingleAndMultiValueHeadersAreProxied() throws Exception {
        String key = gateway.callerKey("1.00");
        JsonNode single = invoke("alb-event.json", key);
        assertEquals(200, single.get("statusCode").asInt(), single.toString());
        assertEquals("200 OK", single.get("statusDescription").asText());
        assertEquals("dimensions=256", body(single).get("query").asText());
        assertTrue(single.has("headers") && !single.has("multiValueHeaders"), "answered in the shape it was asked");

        JsonNode multi = invoke("alb-multivalue-event.json", key);
        assertEquals(200, multi.get("statusCode").asInt(), multi.toString());
        assertEquals("tag=a&tag=b", body(multi).get("query").asText());
        assertEquals("0.30", multi.get("multiValueHeaders").get("X-Caracal-Charged").get(0).asText());
        assertEquals(List.of("one", "two"), gateway.lastSeenHeaders().get("X-forward-me"));
        assertEquals(0, new BigDecimal("0.60").compareTo(gateway.spentBy(key)));
    }

    /** A frozen Lambda environment would publish only while some request is in flight; OutboxRelayLambdaHandler publishes instead. */
    @Test
    void anInvocationLeavesNoOutboxRelayRunning() throws Exception {
        assertEquals(200, invoke("apigw-v2-event.json", gateway.callerKey("1.00")).get("statusCode").asInt());
        assertTrue(gateway.context().findBean(OutboxRelay.class).isEmpty(), "the gateway Lambda has an outbox relay");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(OutboxRelay.THREAD_NAME)),
                "a thread of the outbox relay is running");
    }

    @Test
    void refusalsAndUnreadableEventsAnswerWithTheDocumentedBodies() throws Exception {
        JsonNode unauthenticated = invoke("apigw-v2-event.json", "cak_000000000000_wrong");
        assertEquals(401, unauthenticated.get("statusCode").asInt());
        assertEquals("authentication_failed", body(unauthenticated).get("error").asText());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream("{\"hello\":1}".getBytes(StandardCharsets.UTF_8)), out, null);
        assertEquals(400, JSON.readTree(out.toByteArray()).get("statusCode").asInt());
    }
}
