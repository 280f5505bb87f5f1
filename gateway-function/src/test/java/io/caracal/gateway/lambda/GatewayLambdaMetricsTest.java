package io.caracal.gateway.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import io.caracal.embedded.SharedServices;
import io.caracal.gateway.GatewayTestAccess;
import io.caracal.testing.EmfOutput;
import io.caracal.testing.ScheduledEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's Lambda handlers end every invocation with that invocation's metrics as CloudWatch EMF on stdout,
 * under the names /metrics serves in a container: API Gateway and ALB events sent, their EMF lines read back.
 * One context of its own, so no other test's calls are counted.
 */
class GatewayLambdaMetricsTest {
    private static GatewayTestAccess gateway;
    private static GatewayHttpApiHandler httpApi;
    private static GatewayAlbHandler alb;

    @BeforeAll
    static void start() throws Exception {
        gateway = GatewayTestAccess.start("gateway_lambda_emf", GatewayFunction.ENVIRONMENTS,
                Map.of("caracal.kafka.bootstrap-servers", SharedServices.kafka().bootstrapServers()));
        httpApi = new GatewayHttpApiHandler(gateway.context());
        alb = new GatewayAlbHandler(gateway.context());
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static Map<String, String> requests(String status, String statusCode) {
        return Map.of("function", "gateway", "method", "POST", "status", status, "status_code", statusCode);
    }

    @Test
    void eachInvocationPublishesItsOwnCallsUnderThePrometheusNames() throws Exception {
        String key = gateway.callerKey("1.00"); // 0.30 a call: three are allowed, the fourth is over the budget
        List<EmfOutput> invocations = new ArrayList<>();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            APIGatewayV2HTTPEvent event = AwsEvents.read("apigw-v2-event.json", APIGatewayV2HTTPEvent.class, key);
            invocations.add(EmfOutput.of(() -> statuses.add(AwsEvents.written(httpApi.handleRequest(event, null)).get("statusCode").asInt())));
        }
        assertEquals(List.of(200, 200, 200, 403), statuses);

        Map<String, String> allowed = Map.of("function", "gateway", "decision", "allowed");
        Map<String, String> denied = Map.of("function", "gateway", "decision", "denied");
        for (String name : List.of("caracal_requests_total", "caracal_gateway_requests_total")) {
            assertEquals(3, invocations.stream().mapToDouble(emf -> emf.value(name, requests("ok", "200"))).sum(), name);
            assertEquals(1, invocations.stream().mapToDouble(emf -> emf.value(name, requests("denied", "403"))).sum(), name);
        }
        assertEquals(3, invocations.stream().mapToDouble(emf -> emf.value("caracal_policy_evaluations_total", allowed)).sum());
        assertEquals(1, invocations.stream().mapToDouble(emf -> emf.value("caracal_policy_evaluations_total", denied)).sum());
        Map<String, String> post = Map.of("function", "gateway", "method", "POST");
        assertEquals(4, invocations.stream().mapToDouble(emf -> emf.value("caracal_request_duration_seconds_count", post)).sum());
        assertTrue(invocations.get(0).value("caracal_request_duration_seconds_sum", post) > 0);

        EmfOutput last = invocations.get(3);
        assertEquals(1, last.value("caracal_requests_total", requests("denied", "403")));
        assertEquals(0, last.value("caracal_requests_total", requests("ok", "200")), "the earlier invocations' calls are not written again");
        assertEquals(1, last.value("caracal_policy_evaluations_total", denied));
        assertFalse(last.dimensionsOf("caracal_policy_evaluations_total").contains(allowed), "no allowed decision in the denied call's invocation");
        assertEquals(1, last.value("caracal_request_duration_seconds_count", post));
        invocations.forEach(emf -> emf.documents().forEach(document -> assertFalse(document.toString().contains(key), "the API key in " + document)));
    }

    @Test
    void albInvocationsPublishToo() throws Exception {
        String key = gateway.callerKey("1.00");
        ApplicationLoadBalancerRequestEvent event = AwsEvents.read("alb-event.json", ApplicationLoadBalancerRequestEvent.class, key);
        EmfOutput emf = EmfOutput.of(() -> assertEquals(200, AwsEvents.written(alb.handleRequest(event, null)).get("statusCode").asInt()));
        assertEquals(1, emf.value("caracal_policy_evaluations_total", Map.of("function", "gateway", "decision", "allowed")));
        assertTrue(emf.metrics().contains("caracal_gateway_charged_total"), emf.metrics().toString());
    }

    /** A scheduled handler's invocation publishes its own database work under its own function, not the gateway's again. */
    @Test
    void theScheduledHandlersPublishUnderTheirOwnFunction() throws Exception {
        String key = gateway.callerKey("1.00");
        APIGatewayV2HTTPEvent call = AwsEvents.read("apigw-v2-event.json", APIGatewayV2HTTPEvent.class, key);
        EmfOutput gatewayCall = EmfOutput.of(() -> httpApi.handleRequest(call, null));
        assertEquals(1, gatewayCall.value("caracal_policy_evaluations_total", Map.of("function", "gateway", "decision", "allowed")));

        BudgetSweepLambdaHandler sweep = new BudgetSweepLambdaHandler(gateway.context());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EmfOutput emf = EmfOutput.of(() -> sweep.handleRequest(new ByteArrayInputStream(ScheduledEvents.scheduler()), out, null));
        double databaseWork = 0;
        for (String kind : List.of("transaction", "statement")) {
            databaseWork += emf.value("caracal_database_queries_total", Map.of("function", "budget-sweep", "kind", kind, "outcome", "ok"));
        }
        assertTrue(databaseWork >= 1, emf.documents().toString());
        emf.documents().forEach(document -> assertEquals("budget-sweep", document.get("function").asText(), document.toString()));
        assertFalse(emf.metrics().contains("caracal_policy_evaluations_total"), "the gateway's decision, published by its own invocation, again");
    }
}
