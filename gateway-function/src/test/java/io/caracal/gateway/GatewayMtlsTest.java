package io.caracal.gateway;

import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.testing.TestCertificates;
import io.caracal.testing.TestCertificates.Issued;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * AUTH_MODE=mtls: the gateway's HTTPS listener (TLS_CERT_FILE, TLS_KEY_FILE) verifies client certificates against
 * TLS_CA_FILE during the handshake; a proxy's header only from the proxy.
 */
class GatewayMtlsTest {
    private static Issued ca;
    private static Issued server;
    private static Path dir;
    private static GatewayFixture tls;
    private static GatewayFixture behindProxy;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("caracal-mtls");
        ca = TestCertificates.authority("Caracal Test Agents CA");
        server = TestCertificates.leaf(ca, "localhost", Instant.now().minusSeconds(60), Instant.now().plusSeconds(86_400), true);
        Path caPem = Files.writeString(dir.resolve("ca.pem"), ca.pem());
        // As the gateway runs with AUTH_MODE=mtls: TLS_CERT_FILE, TLS_KEY_FILE and TLS_CA_FILE, all PEM.
        tls = new GatewayFixture("gateway_mtls", Map.of(
                "caracal.gateway.auth.mode", "mtls",
                "caracal.gateway.auth.ca-file", caPem.toString(),
                "micronaut.server.ssl.enabled", true,
                "micronaut.server.ssl.port", -1,
                "caracal.gateway.tls.cert-file", Files.writeString(dir.resolve("server.crt"), server.pem() + ca.pem()).toString(),
                "caracal.gateway.tls.key-file", Files.writeString(dir.resolve("server.key"), server.privateKeyPem()).toString()));
        behindProxy = new GatewayFixture("gateway_mtls_proxy", Map.of("caracal.gateway.auth.mode", "mtls",
                "caracal.gateway.auth.ca-file", caPem.toString(), "caracal.gateway.auth.trusted-proxies", "127.0.0.1"));
    }

    @AfterAll
    static void stop() {
        tls.close();
        behindProxy.close();
    }

    private static HttpClient clientWith(Issued identity, Issued issuer) throws Exception {
        return HttpClient.newBuilder().sslContext(TestCertificates.clientContext(ca.certificate(), identity, issuer.certificate())).build();
    }

    private static HttpRequest request(GatewayFixture f, Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(f.base.resolve("/stub/chat")).header("X-Caracal-Estimated-Cost", "0.30").GET();
        headers.forEach(builder::header);
        return builder.build();
    }

    @Test
    void aCertificateFromTheCaAuthenticatesTheAgentNamedByItsCn() throws Exception {
        Caller caller = tls.caller("10");
        Issued client = TestCertificates.leaf(ca, caller.agent().id().toString(), Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), false);
        HttpResponse<String> ok = clientWith(client, ca).send(request(tls, Map.of()), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode(), ok.body());
        Issued unknownAgent = TestCertificates.leaf(ca, java.util.UUID.randomUUID().toString(), Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600), false);
        assertEquals(401, clientWith(unknownAgent, ca).send(request(tls, Map.of()), HttpResponse.BodyHandlers.ofString()).statusCode());
        Caller suspended = tls.caller("10");
        tls.gateway.getBean(io.caracal.core.agent.AgentStore.class).setStatus(suspended.agent().id(), io.caracal.core.agent.AgentStatus.SUSPENDED);
        Issued suspendedCert = TestCertificates.leaf(ca, suspended.agent().id().toString(), Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600), false);
        assertEquals(401, clientWith(suspendedCert, ca).send(request(tls, Map.of()), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "a suspended agent's certificate authenticates nobody");
        Issued rogueCa = TestCertificates.authority("Rogue CA");
        Issued forged = TestCertificates.leaf(rogueCa, caller.agent().id().toString(), Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600), false);
        // The listener asks for a certificate without demanding one (health checks have none): the handshake drops a
        // certificate from another CA, and without a verified certificate there is no agent.
        assertEquals(401, clientWith(forged, rogueCa).send(request(tls, Map.of()), HttpResponse.BodyHandlers.ofString()).statusCode(),
                "a certificate from another CA authenticates nobody");
        HttpClient anonymous = HttpClient.newBuilder().sslContext(TestCertificates.clientContext(ca.certificate(), null)).build();
        assertEquals(401, anonymous.send(request(tls, Map.of()), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(200, anonymous.send(HttpRequest.newBuilder(tls.base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void aForwardedCertificateIsBelievedOnlyFromTheProxyAndOnlyIfValid() throws Exception {
        Caller caller = behindProxy.caller("10");
        String id = caller.agent().id().toString();
        HttpClient plain = HttpClient.newHttpClient();
        String valid = URLEncoder.encode(TestCertificates.leaf(ca, id, Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), false).pem(),
                StandardCharsets.UTF_8);
        assertEquals(200, plain.send(request(behindProxy, Map.of("X-Client-Cert", valid)), HttpResponse.BodyHandlers.ofString()).statusCode());
        String expired = URLEncoder.encode(TestCertificates.leaf(ca, id, Instant.now().minusSeconds(7200), Instant.now().minusSeconds(3600), false).pem(),
                StandardCharsets.UTF_8);
        assertEquals(401, plain.send(request(behindProxy, Map.of("X-Client-Cert", expired)), HttpResponse.BodyHandlers.ofString()).statusCode());
        Issued rogueCa = TestCertificates.authority("Rogue CA");
        String forged = URLEncoder.encode(TestCertificates.leaf(rogueCa, id, Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), false).pem(),
                StandardCharsets.UTF_8);
        assertEquals(401, plain.send(request(behindProxy, Map.of("X-Client-Cert", forged)), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(401, plain.send(request(behindProxy, Map.of()), HttpResponse.BodyHandlers.ofString()).statusCode());
        // The direct-TLS gateway trusts no proxy: there the same valid header proves nothing.
        Caller someoneCaller = tls.caller("10");
        Issued someone = TestCertificates.leaf(ca, someoneCaller.agent().id().toString(), Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600), false);
        Caller other = tls.caller("10");
        String otherHeader = URLEncoder.encode(TestCertificates.leaf(ca, other.agent().id().toString(), Instant.now().minusSeconds(60),
                Instant.now().plusSeconds(3600), false).pem(), StandardCharsets.UTF_8);
        HttpResponse<String> ignored = clientWith(someone, ca).send(request(tls, Map.of("X-Client-Cert", otherHeader)), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ignored.statusCode());
        assertEquals(0, new java.math.BigDecimal("0.30").compareTo(tls.spent(someoneCaller)), "charged to the TLS certificate's agent");
        assertEquals(0, java.math.BigDecimal.ZERO.compareTo(tls.spent(other)), "not to the agent the header named");
    }
}
