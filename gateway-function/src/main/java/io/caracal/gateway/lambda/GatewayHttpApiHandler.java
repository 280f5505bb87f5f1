package io.caracal.gateway.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.micronaut.context.ApplicationContext;
import io.micronaut.function.aws.proxy.payload2.APIGatewayV2HTTPEventHandler;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.servlet.http.ServletExchange;
import io.micronaut.servlet.http.ServletHttpHandler;

import java.net.URI;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gateway behind an API Gateway HTTP API (payload format 2.0), on any stage: {@code /prod/openai/v1/...} on
 * stage {@code prod} is {@code /openai/v1/...}, as on {@code $default}.
 */
public class GatewayHttpApiHandler extends GatewayFunction<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>
        implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    public GatewayHttpApiHandler() {
    }

    public GatewayHttpApiHandler(ApplicationContext context) {
        super(context);
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return handle(event, context);
    }

    @Override
    APIGatewayV2HTTPResponse emptyResponse() {
        return new APIGatewayV2HTTPResponse();
    }

    @Override
    ServletHttpHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> exchanges(ApplicationContext context) {
        return new APIGatewayV2HTTPEventHandler(context) {
            @Override
            protected ServletExchange<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> createExchange(APIGatewayV2HTTPEvent event,
                                                                                                   APIGatewayV2HTTPResponse response) {
                URI target = ClientTarget.httpApi(event);
                withCookieHeader(event);
                ServletExchange<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> exchange = super.createExchange(event, response);
                ((MutableHttpRequest<?>) exchange.getRequest()).uri(target);
                return exchange;
            }
        };
    }

    /** Payload 2.0 moves the Cookie header into {@code cookies}; the upstream gets it back as the client sent it. */
    private static void withCookieHeader(APIGatewayV2HTTPEvent event) {
        if (event.getCookies() == null || event.getCookies().isEmpty()) {
            return;
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (event.getHeaders() != null) {
            headers.putAll(event.getHeaders());
        }
        headers.put("Cookie", String.join("; ", event.getCookies()));
        event.setHeaders(headers);
    }
}
