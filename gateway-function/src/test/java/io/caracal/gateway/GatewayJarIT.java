package io.caracal.gateway;

import io.caracal.embedded.FreePorts;
import io.caracal.gateway.mcp.McpAdapterApplication;
import io.caracal.testing.ChildProcess;
import io.caracal.testing.GatewayStart;
import io.caracal.testing.RunnableJar;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The gateway's runnable jar (target/caracal-gateway.jar: the entrypoint of the caracal/gateway and
 * caracal/mcp-adapter images, and the Lambda package) started on its own, configured only by the deployment guide's
 * environment variables.
 */
class GatewayJarIT {
    @Test
    void theGatewayServesHealthReadinessAndMetricsThenStopsOnSigterm() {
        int port = FreePorts.next();
        int metricsPort = FreePorts.next();
        try (ChildProcess gateway = RunnableJar.start("gateway-jar", GatewayStart.environment("gateway_jar", port, metricsPort))) {
            GatewayStart.awaitReady(gateway, port, metricsPort);
            assertEquals(143, gateway.stop(Duration.ofSeconds(60)), "ended by SIGTERM after its shutdown hook:\n" + gateway.output());
            assertEquals(List.of(), gateway.errorLines(), gateway.output());
        }
    }

    @Test
    void theMcpAdapterStartsFromTheSameJarAndAuthenticatesItsServersCalls() throws Exception {
        int port = FreePorts.next();
        String server = "http://127.0.0.1:" + FreePorts.next() + "/mcp";
        try (ChildProcess adapter = RunnableJar.startMain("mcp-adapter-jar", McpAdapterApplication.class.getName(),
                GatewayStart.mcpAdapterEnvironment("mcp_adapter_jar", port, server))) {
            GatewayStart.awaitLive(adapter, port);
            assertEquals(401, unauthenticatedToolList(GatewayStart.base(port).resolve("/mcp/tools")).statusCode(), adapter.output());
            assertEquals(143, adapter.stop(Duration.ofSeconds(60)), "ended by SIGTERM after its shutdown hook:\n" + adapter.output());
        }
    }

    private static HttpResponse<String> unauthenticatedToolList(URI server) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(server).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
