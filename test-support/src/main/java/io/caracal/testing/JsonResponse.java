package io.caracal.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;

/** The answer of an HTTP stub of a JSON API (the schema registry, Secrets Manager): a status and a body as JSON. */
final class JsonResponse {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonResponse() {
    }

    static void send(HttpExchange exchange, int status, String contentType, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
