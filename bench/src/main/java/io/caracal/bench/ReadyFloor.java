package io.caracal.bench;

import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;

/**
 * The floor under the functions' start-up in bench/run-startup-bench.sh: a JVM with the same options that does
 * nothing but answer {@code GET /ready} with 200 on HEALTH_PORT, from the JDK's own HTTP server.
 */
public final class ReadyFloor {
    private ReadyFloor() {
    }

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(System.getenv("HEALTH_PORT"))), 0);
        server.createContext("/ready", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }
}
