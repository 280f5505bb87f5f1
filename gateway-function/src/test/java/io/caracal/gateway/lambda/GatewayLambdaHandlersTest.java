package io.caracal.gateway.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.budget.BudgetEngine;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.metrics.PrometheusEndpoint;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.embedded.FreePorts;
import io.caracal.gateway.budget.BudgetSweep;
import io.caracal.testing.ScheduledEvents;
import io.caracal.core.event.OutboxRelay;
import io.caracal.embedded.SharedServices;
import io.caracal.gateway.GatewayTestAccess;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.Socket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's Lambda handlers fed the event JSON API Gateway (HTTP API, payload 2.0, on a named stage) and an ALB
 * send, read and answered through the Lambda Java runtime's serializers, in the environments the runtime starts
 * them with and with Kafka configured, as the Terraform configures them.
 */
class GatewayLambdaHandlersTest {
    private static GatewayTestAccess gateway;
    private static GatewayHttpApiHandler httpApi;
    private static GatewayAlbHandler alb;
    /** METRICS_PORT as the function's environment would set it: nothing may listen there in Lambda. */
    private static final int METRICS_PORT = FreePorts.next();

    @BeforeAll
    static void start() throws Exception {
        gateway = GatewayTestAccess.start("gateway_lambda", GatewayFunction.ENVIRONMENTS,
                Map.of("caracal.kafka.bootstrap-servers", SharedServices.kafka().bootstrapServers(), "caracal.metrics.port", METRICS_PORT));
        httpApi = new GatewayHttpApiHandler(gateway.context());
        alb = new GatewayAlbHandler(gateway.context());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static APIGatewayV2HTTPEvent httpApiEvent(String resource, String apiKey) {
        return AwsEvents.read(resource, APIGatewayV2HTTPEvent.class, apiKey);
    }

    /** The named-stage event sent as {@code method} to {@code path} (after the stage), with no body. */
    private static APIGatewayV2HTTPEvent httpApiEvent(String method, String path, String apiKey) {
        APIGatewayV2HTTPEvent event = httpApiEvent("apigw-v2-event.json", apiKey);
        event.setRawPath("/prod" + path);
        event.setRawQueryString("");
        event.setQueryStringParameters(null);
        event.getRequestContext().getHttp().setPath("/prod" + path);
        event.getRequestContext().getHttp().setMethod(method);
        event.setBody(null);
        event.setIsBase64Encoded(false);
        return event;
    }

    private static JsonNode invoke(APIGatewayV2HTTPEvent event) {
        return AwsEvents.written(httpApi.handleRequest(event, null));
    }

    private static JsonNode invoke(ApplicationLoadBalancerRequestEvent event) {
        return AwsEvents.written(alb.handleRequest(event, null));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void httpApiEventsOnANamedStageAreProxiedAndCharged() {
        String key = gateway.callerKey("1.00");
        JsonNode response = invoke(httpApiEvent("apigw-v2-event.json", key));
        assertEquals(200, response.get("statusCode").asInt(), response.toString());
        assertTrue(response.get("isBase64Encoded").asBoolean());
        JsonNode upstream = AwsEvents.jsonBody(response);
        assertEquals("/v1/chat/completions", upstream.get("path").asText(), "the stage is not part of the route");
        assertEquals("stream=false&user=a%20b&tag=x&tag=y", upstream.get("query").asText(), "the query goes on as the client sent it");
        assertEquals("0.30", response.get("headers").get("X-Caracal-Charged").asText());
        assertEquals("0.70", response.get("headers").get("X-Caracal-Remaining-Budget").asText());
        Map<String, List<String>> seen = gateway.lastSeenHeaders();
        assertEquals(List.of("session=abc; theme=dark"), seen.get("Cookie"));
        assertNull(seen.get("X-api-key"), "the agent's key does not reach the upstream");
        assertEquals(List.of("Bearer upstream-secret"), seen.get("Authorization"));
        assertEquals(0, new BigDecimal("0.30").compareTo(gateway.spentBy(key)));
    }

    @Test
    void aBinaryBodyReachesTheUpstreamByteForByte() throws Exception {
        String key = gateway.callerKey("1.00");
        APIGatewayV2HTTPEvent event = httpApiEvent("apigw-v2-binary-event.json", key);
        byte[] sent = Base64.getDecoder().decode(event.getBody());
        JsonNode response = invoke(event);
        assertEquals(200, response.get("statusCode").asInt(), response.toString());
        assertEquals(sha256(sent), gateway.lastReceivedBodySha256());
        assertEquals("/v1/files/upload", AwsEvents.jsonBody(response).get("path").asText());
        assertEquals("0.30", response.get("headers").get("X-Caracal-Charged").asText());
    }

    @Test
    void anUpstreamStreamIsAnsweredWholeAndHealthIsServedOnTheStage() {
        gateway.releaseStreams();
        String key = gateway.callerKey("1.00");
        JsonNode streamed = invoke(httpApiEvent("GET", "/stub/events/stream", key));
        assertEquals(200, streamed.get("statusCode").asInt(), streamed.toString());
        assertEquals("data: one\n\ndata: two\n\n", new String(AwsEvents.body(streamed), StandardCharsets.UTF_8));
        assertEquals("0.30", streamed.get("headers").get("X-Caracal-Charged").asText());

        JsonNode health = invoke(httpApiEvent("GET", "/health", key));
        assertEquals(200, health.get("statusCode").asInt(), health.toString());
        assertEquals("ok", AwsEvents.jsonBody(health).get("status").asText());
    }

    @Test
    void upstreamErrorsAndRefusalsKeepTheirStatusAndBody() {
        String key = gateway.callerKey("1.00");
        JsonNode failed = invoke(httpApiEvent("GET", "/stub/jobs/fail", key));
        assertEquals(500, failed.get("statusCode").asInt(), failed.toString());
        assertEquals("/v1/jobs/fail", AwsEvents.jsonBody(failed).get("path").asText(), "the upstream's own error body");
        JsonNode refused = invoke(httpApiEvent("GET", "/stub/jobs/refuse", key));
        assertEquals(429, refused.get("statusCode").asInt(), refused.toString());

        JsonNode unauthenticated = invoke(httpApiEvent("apigw-v2-event.json", "cak_000000000000_wrong"));
        assertEquals(401, unauthenticated.get("statusCode").asInt());
        assertEquals("authentication_failed", AwsEvents.jsonBody(unauthenticated).get("error").asText());
    }

    @Test
    void albEventsWithSingleAndMultiValueHeadersAreProxied() {
        String key = gateway.callerKey("1.00");
        JsonNode single = invoke(AwsEvents.read("alb-event.json", ApplicationLoadBalancerRequestEvent.class, key));
        assertEquals(200, single.get("statusCode").asInt(), single.toString());
        assertEquals("dimensions=256&user=a%20b", AwsEvents.jsonBody(single).get("query").asText());
        assertEquals("0.30", single.get("headers").get("X-Caracal-Charged").asText());

        JsonNode multi = invoke(AwsEvents.read("alb-multivalue-event.json", ApplicationLoadBalancerRequestEvent.class, key));
        assertEquals(200, multi.get("statusCode").asInt(), multi.toString());
        assertEquals("tag=a&tag=b", AwsEvents.jsonBody(multi).get("query").asText());
        assertEquals("0.30", multi.get("multiValueHeaders").get("X-Caracal-Charged").get(0).asText());
        assertEquals(List.of("one", "two"), gateway.lastSeenHeaders().get("X-forward-me"));
        assertNull(gateway.lastSeenHeaders().get("X-api-key"), "the agent's key does not reach the upstream");
        assertEquals(0, new BigDecimal("0.60").compareTo(gateway.spentBy(key)));
    }

    /** A frozen Lambda environment would publish only while some request is in flight; OutboxRelayLambdaHandler publishes instead. */
    @Test
    void anInvocationLeavesNoOutboxRelayRunning() {
        assertEquals(200, invoke(httpApiEvent("apigw-v2-event.json", gateway.callerKey("1.00"))).get("statusCode").asInt());
        assertTrue(gateway.context().findBean(OutboxRelay.class).isEmpty(), "the gateway Lambda has an outbox relay");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(OutboxRelay.THREAD_NAME)),
                "a thread of the outbox relay is running");
    }

    /** Nothing of a container's background work is left in the function: no budget sweep thread, no metrics listener. */
    @Test
    void anInvocationLeavesNoBudgetSweepOrMetricsListenerRunning() {
        assertEquals(200, invoke(httpApiEvent("apigw-v2-event.json", gateway.callerKey("1.00"))).get("statusCode").asInt());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals(BudgetSweep.THREAD_NAME)),
                "a thread of the budget sweep is running");
        assertTrue(gateway.context().findBean(PrometheusEndpoint.class).isEmpty(), "the gateway Lambda has a Prometheus endpoint");
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", METRICS_PORT).close(), "something listens on METRICS_PORT");
    }

    /**
     * A call whose hold expired with nobody settling it (an environment cut off mid-call) is charged at its held amount
     * by one scheduled run of the sweep function, in PostgreSQL and in the Redis counters the next call is checked
     * against, with no gateway request in flight.
     */
    /** The function's own context, as Lambda builds it with none of the container's TLS variables set: no TLS, so it starts. */
    @Test
    void theFunctionsContextAsksForNoTlsOfItsOwn() {
        ApplicationContext context = httpApi.newApplicationContextBuilder().build();
        context.getEnvironment().start();
        try {
            assertEquals(Optional.of(false), context.getProperty("micronaut.server.ssl.enabled", Boolean.class),
                    "the container's default, HTTPS without a certificate, would stop the function from starting");
        } finally {
            context.getEnvironment().stop();
        }
    }

    @Test
    void aScheduledSweepChargesACallWhoseHoldExpiredUnsettled() throws Exception {
        String key = gateway.callerKey("1.00");
        BudgetEngine.HoldResult held = gateway.context().getBean(BudgetEngine.class).holdForCall(gateway.agentOf(key),
                new Money(new BigDecimal("0.40"), new CurrencyCode("USD")), Duration.ofMillis(1), Map.of("request_id", "cut-off"),
                Optional.empty());
        assertTrue(held.allowed(), held.toString());
        assertEquals(0, BigDecimal.ZERO.compareTo(gateway.spentBy(key)), "a hold is not spend");

        BudgetSweepLambdaHandler sweep = new BudgetSweepLambdaHandler(gateway.context());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sweep.handleRequest(new ByteArrayInputStream(ScheduledEvents.scheduler()), out, null);
        assertTrue(new ObjectMapper().readTree(out.toByteArray()).get("handled").asLong() >= 1, out.toString());

        assertEquals(0, new BigDecimal("0.40").compareTo(gateway.spentBy(key)), "charged at its held amount in PostgreSQL");
        try (Connection c = gateway.context().getBean(DataSource.class).getConnection(); Statement st = c.createStatement();
             ResultSet rows = st.executeQuery("SELECT count(*) FROM ledger_events WHERE hold_id = '" + held.holdId()
                     + "' AND amount = 0.40 AND metadata->>'charged' = 'at expiry' AND metadata->>'request_id' = 'cut-off'")) {
            rows.next();
            assertEquals(1, rows.getInt(1));
        }
        JsonNode next = invoke(httpApiEvent("apigw-v2-event.json", key));
        assertEquals(200, next.get("statusCode").asInt(), next.toString());
        assertEquals("0.30", next.get("headers").get("X-Caracal-Remaining-Budget").asText(), "1.00 - 0.40 charged - 0.30, as Redis counts it");
    }

    /** An event of another shape means a trigger wired to the wrong handler: the invocation fails and says so. */
    @Test
    void anEventOfAnotherShapeFailsTheInvocation() {
        APIGatewayV2HTTPEvent notHttpApi = AwsEvents.read("alb-event.json", APIGatewayV2HTTPEvent.class, "cak_000000000000_wrong");
        InvalidInputException wrongShape = assertThrows(InvalidInputException.class, () -> httpApi.handleRequest(notHttpApi, null));
        assertTrue(wrongShape.getMessage().contains("payload format 2.0"), wrongShape.getMessage());
        ApplicationLoadBalancerRequestEvent notAlb = AwsEvents.read("apigw-v2-event.json", ApplicationLoadBalancerRequestEvent.class, "cak_000000000000_wrong");
        assertThrows(InvalidInputException.class, () -> alb.handleRequest(notAlb, null));
    }
}
