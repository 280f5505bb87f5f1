package io.caracal.gateway.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caracal.gateway.proxy.ProxyExchange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Translates the two HTTP event shapes Lambda receives into proxy requests and back: API Gateway HTTP API
 * (payload format 2.0) and Application Load Balancer target events (single- or multi-value headers). Bodies
 * are base64 whenever the event says so; responses always go back base64, which both accept for any content.
 */
final class LambdaEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LambdaEvents() {
    }

    enum Source { API_GATEWAY_V2, ALB }

    record Parsed(Source source, boolean multiValue, ProxyExchange.Request request) {
    }

    static Parsed parse(byte[] event) throws IOException {
        JsonNode root = JSON.readTree(event);
        if (root == null || !root.isObject()) {
            throw new IOException("not a JSON object");
        }
        boolean v2 = "2.0".equals(root.path("version").asText()) && root.path("requestContext").has("http");
        boolean alb = root.path("requestContext").has("elb");
        if (!v2 && !alb) {
            throw new IOException("neither an API Gateway v2 nor an ALB event");
        }
        String method = v2 ? root.path("requestContext").path("http").path("method").asText() : root.path("httpMethod").asText();
        String path = v2 ? root.path("rawPath").asText("/") : root.path("path").asText("/");
        String query = v2 ? emptyToNull(root.path("rawQueryString").asText("")) : albQuery(root);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        boolean multiValue = root.hasNonNull("multiValueHeaders");
        if (multiValue) {
            root.get("multiValueHeaders").fields().forEachRemaining(e -> e.getValue().forEach(v -> add(headers, e.getKey(), v.asText())));
        } else {
            root.path("headers").fields().forEachRemaining(e -> add(headers, e.getKey(), e.getValue().asText()));
        }
        if (v2 && root.has("cookies")) {
            List<String> cookies = new ArrayList<>();
            root.get("cookies").forEach(c -> cookies.add(c.asText()));
            add(headers, "Cookie", String.join("; ", cookies));
        }
        byte[] body = null;
        if (root.hasNonNull("body")) {
            String text = root.get("body").asText();
            body = root.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
        }
        String[] route = path.replaceFirst("^/+", "").split("/", 2);
        return new Parsed(v2 ? Source.API_GATEWAY_V2 : Source.ALB, multiValue,
                new ProxyExchange.Request(method, route[0], route.length > 1 ? route[1] : "", query, headers, body));
    }

    static byte[] response(Parsed parsed, ProxyExchange.Response response) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        out.put("statusCode", response.status());
        if (parsed.source() == Source.ALB) {
            out.put("statusDescription", response.status() + " " + reason(response.status()));
        }
        if (parsed.multiValue()) {
            ObjectNode headers = out.putObject("multiValueHeaders");
            response.headers().forEach((name, values) -> values.forEach(v -> headers.withArray(name).add(v)));
        } else {
            ObjectNode headers = out.putObject("headers");
            response.headers().forEach((name, values) -> headers.put(name, String.join(",", values)));
        }
        out.put("body", Base64.getEncoder().encodeToString(response.body()));
        out.put("isBase64Encoded", true);
        return JSON.writeValueAsBytes(out);
    }

    /** An answer for an event that cannot be read at all; there is no request to hand the pipeline. */
    static byte[] malformed() throws IOException {
        ObjectNode out = JSON.createObjectNode().put("statusCode", 400);
        out.putObject("headers").put("Content-Type", "application/json");
        out.put("body", "{\"error\":\"invalid_request\",\"message\":\"unreadable event\"}");
        out.put("isBase64Encoded", false);
        return JSON.writeValueAsBytes(out);
    }

    private static String albQuery(JsonNode root) {
        JsonNode params = root.hasNonNull("multiValueQueryStringParameters") ? root.get("multiValueQueryStringParameters")
                : root.path("queryStringParameters");
        List<String> pairs = new ArrayList<>();
        // ALB passes query parameters as they arrived (still URL-encoded), so they are joined back as they are.
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isArray()) {
                e.getValue().forEach(v -> pairs.add(e.getKey() + "=" + v.asText()));
            } else {
                pairs.add(e.getKey() + "=" + e.getValue().asText());
            }
        }
        return pairs.isEmpty() ? null : String.join("&", pairs);
    }

    private static void add(Map<String, List<String>> headers, String name, String value) {
        headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status";
        };
    }
}
