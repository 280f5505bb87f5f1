package io.caracal.gateway.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.ApplicationLoadBalancerRequestEvent;
import io.caracal.core.error.InvalidInputException;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The request target (path and query) the client sent, as the gateway forwards it, from the two HTTP event shapes.
 * micronaut-function-aws builds its request URI from the decoded query parameters, which loses their order, their
 * repetitions and their encoding; the gateway passes the query on as it came, so it takes it from the event's raw
 * fields instead.
 */
final class ClientTarget {
    /** The stage that API Gateway serves at the root of the API's URL, with no segment of its own in the path. */
    static final String DEFAULT_STAGE = "$default";

    private ClientTarget() {
    }

    /**
     * An HTTP API event's target. A named stage is the path's first segment on the API's own endpoint
     * ({@code https://<api-id>.execute-api.<region>.amazonaws.com/prod/...}): it is removed, so the routes are the
     * same on every stage. A custom domain's requests carry no stage segment, so nothing is removed from them.
     * Throws {@link InvalidInputException} for an event of another shape.
     */
    static URI httpApi(APIGatewayV2HTTPEvent event) {
        APIGatewayV2HTTPEvent.RequestContext context = event.getRequestContext();
        if (context == null || context.getHttp() == null || context.getHttp().getMethod() == null || event.getRawPath() == null) {
            throw new InvalidInputException("not an API Gateway HTTP API event of payload format 2.0 (no requestContext.http.method or rawPath):"
                    + " is the function behind another trigger? ALB events go to GatewayAlbHandler");
        }
        String path = event.getRawPath();
        if (context.getStage() != null && !DEFAULT_STAGE.equals(context.getStage()) && onApiEndpoint(context)) {
            String stage = "/" + context.getStage();
            if (path.equals(stage) || path.startsWith(stage + "/")) {
                path = path.length() == stage.length() ? "/" : path.substring(stage.length());
            }
        }
        return of(path, event.getRawQueryString());
    }

    /**
     * An ALB event's target. The load balancer passes the query parameters as they arrived, still percent-encoded
     * (with multi-value headers on, every value of a repeated one, grouped by name), so they are joined back as they are.
     */
    static URI alb(ApplicationLoadBalancerRequestEvent event) {
        if (event.getRequestContext() == null || event.getRequestContext().getElb() == null || event.getHttpMethod() == null || event.getPath() == null) {
            throw new InvalidInputException("not an Application Load Balancer event (no requestContext.elb, httpMethod or path):"
                    + " is the function behind another trigger? API Gateway HTTP API events go to GatewayHttpApiHandler");
        }
        List<String> pairs = new ArrayList<>();
        Map<String, List<String>> multi = event.getMultiValueQueryStringParameters();
        if (multi != null) {
            multi.forEach((name, values) -> values.forEach(value -> pairs.add(name + "=" + value)));
        } else if (event.getQueryStringParameters() != null) {
            event.getQueryStringParameters().forEach((name, value) -> pairs.add(name + "=" + value));
        }
        return of(event.getPath(), String.join("&", pairs));
    }

    private static boolean onApiEndpoint(APIGatewayV2HTTPEvent.RequestContext context) {
        return context.getApiId() != null && context.getDomainName() != null
                && context.getDomainName().startsWith(context.getApiId() + ".execute-api.");
    }

    /**
     * HTTP APIs hand over the path decoded, ALBs as it arrived: characters that cannot stand in a URI as they are
     * (a space, a non-ASCII letter, a '%' that starts no escape, and '?' or '#' in a path) are escaped, and
     * everything else is left alone, so an encoded target passes unchanged and a decoded one becomes valid. The
     * proxy then checks the path as it does the container's (no dot segments, no encoded separators).
     */
    private static URI of(String path, String query) {
        String target = escape(path, "?#") + (query == null || query.isEmpty() ? "" : "?" + escape(query, "#"));
        return URI.create(target);
    }

    private static String escape(String text, String reserved) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean escapeStart = b == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) && hex(bytes[i + 2]);
            if (b > 0x20 && b < 0x7f && "\"<>\\^`{|}".indexOf(b) < 0 && reserved.indexOf(b) < 0 && (b != '%' || escapeStart)) {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16))).append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static boolean hex(byte b) {
        return Character.digit(b, 16) >= 0;
    }
}
