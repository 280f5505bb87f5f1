package io.caracal.gateway;

import io.caracal.testing.Await;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MAX_CONNECTIONS and IDLE_TIMEOUT_SECS on the gateway's own server, on raw sockets so that every connection is one
 * the test opened. The idle timeout is about real time, so it is checked in real time, with a lower bound only a
 * broken timeout could miss.
 */
class GatewayConnectionLimitTest {
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);

    @Test
    void pastMaxConnectionsAConnectionIsClosedAtOnceAndIdleOnesAreClosedAfterTheIdleTimeout() throws Exception {
        try (GatewayFixture fixture = new GatewayFixture("gw_connections", Map.of("caracal.gateway.max-connections", 2,
                "micronaut.server.idle-timeout", IDLE_TIMEOUT.toSeconds() + "s"))) {
            try (Socket first = new Socket(); Socket second = new Socket()) {
                assertEquals("HTTP/1.1 200 OK", health(first, fixture.base));
                assertEquals("HTTP/1.1 200 OK", health(second, fixture.base));
                long idleSince = System.nanoTime();

                try (Socket third = new Socket()) {
                    assertEquals("", health(third, fixture.base), "a third connection is closed as soon as it is accepted, unanswered");
                }
                assertTrue(fixture.gateway.getBean(io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class).scrape().contains("caracal_gateway_connections_refused_total 1.0"));

                assertTrue(closedByTheServer(first) && closedByTheServer(second), "idle connections are closed");
                Duration idle = Duration.ofNanos(System.nanoTime() - idleSince);
                assertTrue(idle.compareTo(IDLE_TIMEOUT.minusMillis(500)) >= 0, "closed after " + idle.toMillis() + " ms idle, not before the timeout");
            }
            // Closed connections no longer count: a new one is served (as soon as the server has noted the closes).
            assertEquals("HTTP/1.1 200 OK", Await.until(Duration.ofSeconds(10), () -> {
                try (Socket next = new Socket()) {
                    return health(next, fixture.base);
                } catch (IOException e) {
                    return e.toString();
                }
            }, "HTTP/1.1 200 OK"::equals));
        }
    }

    @Test
    void anIdleTimeoutShorterThanTheRequestTimeoutStopsTheGatewayFromStarting() {
        RuntimeException refused = assertThrows(RuntimeException.class, () -> new GatewayFixture("gw_connections",
                Map.of("caracal.gateway.request-timeout", "31s", "micronaut.server.idle-timeout", "30s")).close());
        String messages = java.util.stream.Stream.iterate((Throwable) refused, java.util.Objects::nonNull, Throwable::getCause)
                .map(Throwable::getMessage).toList().toString();
        assertTrue(messages.contains("IDLE_TIMEOUT_SECS (30 s) must not be shorter than REQUEST_TIMEOUT (31 s)"), messages);
    }

    private static void connect(Socket socket, URI base) throws IOException {
        socket.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()), 5_000);
        socket.setSoTimeout(30_000);
    }

    /**
     * The status line of GET /health on a new keep-alive connection, which is left open; empty when the server
     * closed the connection without answering.
     */
    private static String health(Socket socket, URI base) throws IOException {
        connect(socket, base);
        StringBuilder line = new StringBuilder();
        try {
            socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: " + base.getHost() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
        } catch (SocketException e) {
            if (!closed(e)) {
                throw e;
            }
        }
        return line.toString();
    }

    private static boolean closed(SocketException e) {
        return e.getMessage() != null && (e.getMessage().contains("reset") || e.getMessage().contains("Broken pipe"));
    }

    /** Reads what is left until the server closes the connection; false if it is still open after 30 s. */
    private static boolean closedByTheServer(Socket socket) throws IOException {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() != -1) {
                // the rest of an answer already sent
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return closed(e);
        }
    }
}
