package io.caracal.core.metrics;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Serves {@code GET /metrics} (Prometheus text) on its own port (the gateway's 9090, metrics-function's 9091),
 * apart from any traffic port, so scraping never competes with agents and the port can be kept off the public network.
 */
public final class PrometheusEndpoint implements AutoCloseable {
    private final HttpServer server;

    public PrometheusEndpoint(java.util.function.Supplier<String> scrape, String host, int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("metrics port " + port + " is not available", e);
        }
        server.createContext("/metrics", exchange -> {
            byte[] body = "GET".equals(exchange.getRequestMethod()) ? scrape.get().getBytes(StandardCharsets.UTF_8) : new byte[0];
            exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders("GET".equals(exchange.getRequestMethod()) ? 200 : 405, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
