package io.caracal.gateway;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real upstreams speak HTTPS: the gateway forwards to one whose certificate chains to a CA the JVM trusts (here a
 * test CA put in the JVM's trust store, as a public CA is in production), and refuses one whose certificate does
 * not, without charging. The gateway runs in a process of its own, since a trust store is JVM-wide.
 */
class GatewayHttpsUpstreamTest {
    private static final String DATABASE = "gw_https_upstream";

    @Test
    void anUpstreamWhoseCertificateTheJvmTrustsIsForwardedAndChargedAndAnUntrustedOneIs502(@TempDir Path dir) throws Exception {
        TestCertificates.Issued trusted = TestCertificates.authority("trusted upstream CA");
        TestCertificates.Issued stranger = TestCertificates.authority("unknown CA");
        Instant now = Instant.now();
        HttpsServer good = upstream(TestCertificates.leaf(trusted, "localhost", now.minusSeconds(60), now.plusSeconds(3600), true), trusted, dir.resolve("good.p12"));
        HttpsServer bad = upstream(TestCertificates.leaf(stranger, "localhost", now.minusSeconds(60), now.plusSeconds(3600), true), stranger, dir.resolve("bad.p12"));
        Path trustStore = dir.resolve("trust.p12");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted.certificate());
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trust.store(out, TestCertificates.PASSWORD);
        }
        Process gateway = null;
        try (GatewayFixture fixture = new GatewayFixture(DATABASE, Map.of())) {
            GatewayFixture.Caller caller = fixture.caller("1.00");
            gateway = GatewayProcess.start(SharedServices.postgres().jdbcUrl(DATABASE), "https://localhost:" + good.getAddress().getPort(),
                    Duration.ofMinutes(5), dir.resolve("gateway.port"), List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStoreType=PKCS12",
                            "-Djavax.net.ssl.trustStorePassword=" + new String(TestCertificates.PASSWORD)),
                    "untrusted=https://localhost:" + bad.getAddress().getPort() + "/v1");
            URI base = GatewayProcess.baseOf(dir.resolve("gateway.port"), gateway);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

            HttpResponse<String> served = client.send(call(base, "/stub/chat", caller.key()), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, served.statusCode(), served.body());
            assertEquals("{\"over\":\"tls\"}", served.body());
            assertEquals("0.25", served.headers().firstValue("X-Caracal-Charged").orElseThrow());

            HttpResponse<String> refused = client.send(call(base, "/untrusted/chat", caller.key()), HttpResponse.BodyHandlers.ofString());
            assertEquals(502, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("upstream_unreachable"), refused.body());
            assertFalse(refused.body().contains("localhost"), "no internal URL in the error: " + refused.body());
            assertEquals(0, new BigDecimal("0.25").compareTo(fixture.spent(caller)), "only the call the trusted upstream served is charged");
        } finally {
            if (gateway != null) {
                gateway.destroyForcibly();
                gateway.waitFor(30, TimeUnit.SECONDS);
            }
            good.stop(0);
            bad.stop(0);
        }
    }

    private static HttpRequest call(URI base, String path, String key) {
        return HttpRequest.newBuilder(base.resolve(path)).header("X-API-Key", key).header("X-Caracal-Estimated-Cost", "0.50")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    }

    /** An HTTPS upstream serving its certificate and the CA's, answering every call at a cost of 0.25. */
    private static HttpsServer upstream(TestCertificates.Issued certificate, TestCertificates.Issued ca, Path keyStoreFile) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(certificate.keyStore(keyStoreFile, ca.certificate()))) {
            keys.load(in, TestCertificates.PASSWORD);
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, TestCertificates.PASSWORD);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"over\":\"tls\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("X-Caracal-Actual-Cost", "0.25");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }
}
