package io.caracal.core.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@code GET /health} and {@code GET /ready} on a port of their own, for a process that has no HTTP server of its own
 * (the consumer functions): what an orchestrator's probes and a load balancer's health check read. The answers
 * are {@link HealthReport}'s, as the gateway's.
 */
public final class HealthEndpoint implements AutoCloseable {
    private final HttpServer server;

    public HealthEndpoint(Readiness readiness, String host, int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("health port " + port + " is not available", e);
        }
        server.createContext("/health", exchange -> answer(exchange, readiness::liveness));
        server.createContext("/ready", exchange -> answer(exchange, readiness::readiness));
        server.start();
    }

    private static void answer(HttpExchange exchange, Supplier<HealthReport> report) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            HealthReport answer = report.get();
            byte[] body = answer.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.httpStatus(), body.length);
            exchange.getResponseBody().write(body);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
