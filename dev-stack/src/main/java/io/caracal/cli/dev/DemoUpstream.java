package io.caracal.cli.dev;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for a paid LLM API on loopback: answers chat completions in OpenAI's shape and reports what the
 * call cost in {@code X-Caracal-Actual-Cost}, as a metered upstream would.
 */
final class DemoUpstream implements AutoCloseable {
    static final String COST_PER_CALL = "0.01";

    private final HttpServer server;

    private DemoUpstream(HttpServer server) {
        this.server = server;
    }

    static DemoUpstream start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                byte[] body = ("{\"id\":\"chatcmpl-demo\",\"object\":\"chat.completion\",\"model\":\"demo\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":\"Hello from the Caracal demo upstream.\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":8,\"total_tokens\":13}}").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.getResponseHeaders().add("X-Caracal-Actual-Cost", COST_PER_CALL);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return new DemoUpstream(server);
        } catch (IOException e) {
            throw new UncheckedIOException("demo upstream did not start", e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
