package io.caracal.gateway.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import io.caracal.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The target the gateway forwards, from the fields API Gateway and the ALB fill. */
class ClientTargetTest {
    private static APIGatewayV2HTTPEvent httpApi(String stage, String domainName, String rawPath, String rawQuery) {
        return APIGatewayV2HTTPEvent.builder().withRawPath(rawPath).withRawQueryString(rawQuery)
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder().withApiId("abc123").withStage(stage).withDomainName(domainName)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET").withPath(rawPath).build()).build())
                .build();
    }

    private static final String ENDPOINT = "abc123.execute-api.eu-west-1.amazonaws.com";

    @Test
    void aNamedStageIsRemovedOnTheApisOwnEndpointOnly() {
        assertEquals("/openai/v1/models", ClientTarget.httpApi(httpApi("prod", ENDPOINT, "/prod/openai/v1/models", "")).toString());
        assertEquals("/", ClientTarget.httpApi(httpApi("prod", ENDPOINT, "/prod", "")).toString());
        // Only a whole first segment is the stage.
        assertEquals("/production/x", ClientTarget.httpApi(httpApi("prod", ENDPOINT, "/production/x", "")).toString());
        assertEquals("/prod/x", ClientTarget.httpApi(httpApi("$default", ENDPOINT, "/prod/x", "")).toString());
        // A custom domain sends no stage segment: an upstream named like the stage keeps its name.
        assertEquals("/prod/x", ClientTarget.httpApi(httpApi("prod", "gateway.example.com", "/prod/x", "")).toString());
    }

    @Test
    void theQueryIsTheRawOneAndADecodedPathIsMadeValid() {
        assertEquals("/stub/a?x=1&x=2&q=a%20b", ClientTarget.httpApi(httpApi("$default", ENDPOINT, "/stub/a", "x=1&x=2&q=a%20b")).toString());
        // HTTP APIs decode the path: what cannot stand in a URI is escaped, escapes already there are kept.
        assertEquals("/stub/a%20b%3F%23/%C3%A9/100%25/%41", ClientTarget.httpApi(httpApi("$default", ENDPOINT, "/stub/a b?#/é/100%/%41", null))
                .getRawPath());
        assertEquals("q=%7Bx%7D%23", ClientTarget.httpApi(httpApi("$default", ENDPOINT, "/stub", "q={x}#")).getRawQuery());
    }

    @Test
    void albQueriesAreJoinedAsTheyArrived() {
        ApplicationLoadBalancerRequestEvent event = new ApplicationLoadBalancerRequestEvent();
        event.setRequestContext(new ApplicationLoadBalancerRequestEvent.RequestContext());
        event.getRequestContext().setElb(new ApplicationLoadBalancerRequestEvent.Elb());
        event.setHttpMethod("GET");
        event.setPath("/stub/a%2Fb");
        Map<String, String> single = new LinkedHashMap<>();
        single.put("q", "a%20b");
        single.put("n", "1");
        event.setQueryStringParameters(single);
        assertEquals("/stub/a%2Fb?q=a%20b&n=1", ClientTarget.alb(event).toString());
        event.setMultiValueQueryStringParameters(Map.of("tag", List.of("a", "b")));
        assertEquals("/stub/a%2Fb?tag=a&tag=b", ClientTarget.alb(event).toString());
    }

    @Test
    void eventsOfAnotherShapeAreRefused() {
        assertThrows(InvalidInputException.class, () -> ClientTarget.httpApi(new APIGatewayV2HTTPEvent()));
        assertThrows(InvalidInputException.class, () -> ClientTarget.alb(new ApplicationLoadBalancerRequestEvent()));
    }
}
