package io.caracal.gateway;

import io.caracal.embedded.FreePorts;
import io.caracal.gateway.mcp.McpAdapterApplication;
import io.caracal.testing.Await;
import io.caracal.testing.ChildProcess;
import io.caracal.testing.GatewayStart;
import io.caracal.testing.RunnableJar;
import io.caracal.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * HTTPS by default, from the variables the Helm chart passes (TLS_CERT_FILE, TLS_KEY_FILE, GATEWAY_TLS_PORT);
     * without a certificate and without TLS_ENABLED=false, no start at all, and the reason in the output.
     */
    @Test
    void theGatewayServesHttpsFromItsPemFilesAndWithoutThemDoesNotStart(@TempDir Path dir) throws Exception {
        TestCertificates.Issued ca = TestCertificates.authority("Caracal Jar CA");
        TestCertificates.Issued server = TestCertificates.leaf(ca, "localhost", Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), true);
        int port = FreePorts.next();
        Map<String, String> environment = new HashMap<>(GatewayStart.environment("gateway_jar_tls", FreePorts.next(), -1));
        environment.remove("TLS_ENABLED");
        environment.put("GATEWAY_TLS_PORT", Integer.toString(port));
        environment.put("TLS_CERT_FILE", Files.writeString(dir.resolve("server.crt"), server.pem() + ca.pem()).toString());
        environment.put("TLS_KEY_FILE", Files.writeString(dir.resolve("server.key"), server.privateKeyPem()).toString());
        HttpClient client = HttpClient.newBuilder().sslContext(TestCertificates.clientContext(ca.certificate(), null)).build();
        try (ChildProcess gateway = RunnableJar.start("gateway-jar-tls", environment)) {
            HttpResponse<String> health = Await.until(Duration.ofSeconds(120), () -> {
                try {
                    return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/health")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    return null; // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }, r -> r != null && r.statusCode() == 200);
            assertTrue(health != null && health.statusCode() == 200, "no HTTPS /health:\n" + gateway.output());
            assertEquals(143, gateway.stop(Duration.ofSeconds(60)), gateway.output());
        }
        environment.remove("TLS_CERT_FILE");
        environment.remove("TLS_KEY_FILE");
        try (ChildProcess refused = RunnableJar.start("gateway-jar-no-tls", environment)) {
            assertNotEquals(0, refused.awaitExit(Duration.ofSeconds(120)), refused.output());
            assertTrue(refused.output().contains("HTTPS needs TLS_CERT_FILE and TLS_KEY_FILE (PEM); for plain HTTP (development only) set TLS_ENABLED=false"),
                    refused.output());
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
