package io.caracal.testing;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The gateway, or the MCP adapter (the gateway serving MCP servers), in a process of its own: a runnable jar or an
 * image's entrypoint, configured by environment variables alone, on a migrated database (the setup Job migrates
 * before a gateway starts), serving on loopback ports of its own.
 */
public final class GatewayStart {
    /** A cold JVM on a machine the rest of the suite shares. */
    private static final Duration START = Duration.ofSeconds(120);

    private GatewayStart() {
    }

    /** The gateway's environment: the connections on {@code database} (created and migrated here) and its two ports. */
    public static Map<String, String> environment(String database, int port, int metricsPort) {
        TestDatabase.create(database);
        Map<String, String> environment = new HashMap<>(ServiceEnvironment.of(database));
        environment.put("GATEWAY_PORT", Integer.toString(port));
        environment.put("TLS_ENABLED", "false");
        environment.put("METRICS_PORT", Integer.toString(metricsPort));
        return environment;
    }

    /** The MCP adapter's: the gateway's without a metrics port, serving one MCP server, {@code tools}, at {@code serverUrl}. */
    public static Map<String, String> mcpAdapterEnvironment(String database, int port, String serverUrl) {
        Map<String, String> environment = environment(database, port, -1);
        environment.put("CARACAL_MCP_SERVERS", "[{\"name\":\"tools\",\"url\":\"" + serverUrl + "\"}]");
        return environment;
    }

    /** Blocks until {@code gateway} answers /health on {@code port}; fails with its output if it does not in time. */
    public static void awaitLive(ChildProcess gateway, int port) {
        String health = gateway.awaitOk(base(port).resolve("/health"), START);
        if (!health.contains("\"status\":\"ok\"")) {
            throw new AssertionError("/health: " + health);
        }
    }

    /**
     * Blocks until {@code gateway} is {@link #awaitLive live}, ready (/ready: PostgreSQL and Redis answer) and serves
     * Prometheus on {@code metricsPort}.
     */
    public static void awaitReady(ChildProcess gateway, int port, int metricsPort) {
        awaitLive(gateway, port);
        String ready = gateway.awaitOk(base(port).resolve("/ready"), Duration.ofSeconds(30));
        if (!ready.contains("\"database\":{\"status\":\"ok\"") || !ready.contains("\"redis\":{\"status\":\"ok\"")) {
            throw new AssertionError("/ready: " + ready);
        }
        gateway.awaitOk(base(metricsPort).resolve("/metrics"), Duration.ofSeconds(30));
    }

    public static URI base(int port) {
        return URI.create("http://127.0.0.1:" + port);
    }
}
