package io.caracal.gateway;

import io.caracal.embedded.SharedServices;
import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.testing.Await;
import io.caracal.testing.CapturedLog;
import io.caracal.testing.TestCertificates;
import io.caracal.testing.TestCertificates.Issued;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS on the gateway's listener from PEM files (TLS_CERT_FILE, TLS_KEY_FILE), on real TLS with a CA and server
 * certificates made here: it answers over TLS and only over TLS, serves a rotated certificate to the next new
 * connection without a restart (files replaced by rename, rewritten in place, or swapped as a Kubernetes Secret
 * volume swaps them), keeps its certificate when the new files cannot be served, and refuses TLS below 1.2.
 */
class GatewayTlsTest {
    private static final String DATABASE = "gateway_tls";
    private static Path dir;
    private static Issued ca;
    private static Issued first;
    private static int plainPort;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("caracal-tls");
        ca = TestCertificates.authority("Caracal Test Server CA");
        first = server("first.gateway.test");
        // The files as a Kubernetes Secret volume holds them: names that are symlinks into a directory swapped whole.
        Files.createDirectories(dir.resolve("secret"));
        writeVersion("v1", first);
        Files.createSymbolicLink(dir.resolve("secret/..data"), Path.of("v1"));
        Files.createSymbolicLink(dir.resolve("secret/tls.crt"), Path.of("..data/tls.crt"));
        Files.createSymbolicLink(dir.resolve("secret/tls.key"), Path.of("..data/tls.key"));
        try (ServerSocket free = new ServerSocket(0)) {
            plainPort = free.getLocalPort();
        }
        gateway = new GatewayFixture(DATABASE, Map.of(
                "caracal.gateway.request-timeout", "30s", // the first forwarded call of a cold JVM on a shared machine
                "micronaut.server.ssl.enabled", true,
                "micronaut.server.ssl.port", -1,
                "micronaut.server.port", plainPort,
                "caracal.gateway.tls.cert-file", dir.resolve("secret/tls.crt").toString(),
                "caracal.gateway.tls.key-file", dir.resolve("secret/tls.key").toString()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void httpsAnswersHealthAndAChargedCallAndNothingAnswersPlainHttp() throws Exception {
        assertEquals("https", gateway.base.getScheme());
        HttpClient client = HttpClient.newBuilder().sslContext(trustingCa()).build();
        HttpResponse<String> health = client.send(HttpRequest.newBuilder(gateway.base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"status\":\"ok\""), health.body());

        Caller caller = gateway.caller("10");
        HttpResponse<String> call = client.send(HttpRequest.newBuilder(gateway.base.resolve("/stub/chat")).header("X-API-Key", caller.key())
                .header("X-Caracal-Estimated-Cost", "0.50").POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, call.statusCode(), call.body());
        assertEquals(0, new BigDecimal("0.30").compareTo(gateway.spent(caller)), "the call over TLS is charged");

        // HTTP on the TLS port is not answered: the handshake never starts.
        HttpClient plain = HttpClient.newHttpClient();
        URI overTlsPort = URI.create("http://127.0.0.1:" + gateway.base.getPort() + "/health");
        assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(overTlsPort).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()));
        // And no plain listener: GATEWAY_PORT's plain port is not bound when TLS is on.
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", plainPort).close());
    }

    @Test
    void aRotatedCertificateIsServedToTheNextConnectionWithoutARestart() throws Exception {
        assertEquals(first.certificate().getSerialNumber(), servedSerial());

        // 1. Replaced by rename, the key first: in between, key and certificate are from different pairs.
        Issued renamed = server("renamed.gateway.test");
        Path staged = Files.createDirectories(dir.resolve("staged"));
        Files.writeString(staged.resolve("tls.key"), renamed.privateKeyPem());
        Files.writeString(staged.resolve("tls.crt"), renamed.pem() + ca.pem());
        Files.move(staged.resolve("tls.key"), dir.resolve("secret/v1/tls.key"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged.resolve("tls.crt"), dir.resolve("secret/v1/tls.crt"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(renamed.certificate().getSerialNumber(), servedSerialOnce(renamed));

        // 2. Rewritten in place, certificate first.
        Issued inPlace = server("in-place.gateway.test");
        Files.writeString(dir.resolve("secret/v1/tls.crt"), inPlace.pem() + ca.pem());
        Files.writeString(dir.resolve("secret/v1/tls.key"), inPlace.privateKeyPem());
        assertEquals(inPlace.certificate().getSerialNumber(), servedSerialOnce(inPlace));

        // 3. A Kubernetes Secret update: a new directory, then the ..data symlink renamed over the old one. The files'
        // own names and times do not change.
        Issued swapped = server("swapped.gateway.test");
        writeVersion("v2", swapped);
        Files.createSymbolicLink(dir.resolve("secret/..data_tmp"), Path.of("v2"));
        Files.move(dir.resolve("secret/..data_tmp"), dir.resolve("secret/..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertEquals(swapped.certificate().getSerialNumber(), servedSerialOnce(swapped));

        assertEquals("CN=swapped.gateway.test", served().getSubjectX500Principal().getName());
        HttpClient client = HttpClient.newBuilder().sslContext(trustingCa()).build();
        assertEquals(200, client.send(HttpRequest.newBuilder(gateway.base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());

        // Files that cannot be served keep the certificate, with one line in the log that shows no key.
        Issued stranger = server("stranger.gateway.test");
        BigInteger before = servedSerial();
        try (CapturedLog log = CapturedLog.start()) {
            Files.writeString(dir.resolve("secret/v2/tls.key"), stranger.privateKeyPem()); // the key of another certificate
            List<String> warned = Await.until(Duration.ofSeconds(10), () -> log.lines().stream().filter(l -> l.contains("TLS certificate not reloaded")).toList(),
                    lines -> !lines.isEmpty());
            assertEquals(1, warned.size(), "one line: " + warned);
            assertTrue(warned.get(0).contains("does not belong to the certificate"), warned.get(0));
            assertEquals(before, servedSerial(), "the previous certificate is still served");

            String half = swapped.pem().substring(0, swapped.pem().length() / 2);
            Files.writeString(dir.resolve("secret/v2/tls.key"), swapped.privateKeyPem());
            Files.writeString(dir.resolve("secret/v2/tls.crt"), half); // a certificate caught half-written
            Await.until(Duration.ofSeconds(10), () -> log.lines().stream().filter(l -> l.contains("not complete PEM")).count(), n -> n > 0);
            assertEquals(before, servedSerial(), "the previous certificate is still served");
            String pemBody = stranger.privateKeyPem().lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
            log.assertNoneContains(pemBody, "PRIVATE KEY-----");
            // And once the files are whole again, served as usual (the same pair: no reload needed to serve it).
            Files.writeString(dir.resolve("secret/v2/tls.crt"), swapped.pem() + ca.pem());
        }
    }

    /** HTTPS is the default: without its certificate, or with one it cannot serve, the gateway does not start, and says why. */
    @Test
    void withoutAServableCertificateTheGatewayDoesNotStartAndSaysWhy() throws Exception {
        Exception none = assertThrows(Exception.class, () -> new GatewayFixture(DATABASE, Map.of("micronaut.server.ssl.enabled", true,
                "micronaut.server.ssl.port", -1)).close());
        assertTrue(causes(none).contains("HTTPS needs TLS_CERT_FILE and TLS_KEY_FILE (PEM); for plain HTTP (development only) set TLS_ENABLED=false"),
                causes(none));
        Issued other = server("other.gateway.test");
        Path strangerKey = Files.writeString(dir.resolve("stranger.key"), other.privateKeyPem());
        Exception mismatched = assertThrows(Exception.class, () -> new GatewayFixture(DATABASE, Map.of("micronaut.server.ssl.enabled", true,
                "micronaut.server.ssl.port", -1, "caracal.gateway.tls.cert-file", dir.resolve("secret/tls.crt").toString(),
                "caracal.gateway.tls.key-file", strangerKey.toString())).close());
        assertTrue(causes(mismatched).contains("the private key does not belong to the certificate"), causes(mismatched));
        String keyBody = other.privateKeyPem().lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
        assertTrue(!causes(mismatched).contains(keyBody), "the key is in the message");
    }

    private static String causes(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append(" | ");
        }
        return text.toString();
    }

    /**
     * TLS 1.0 and 1.1 are refused by the gateway's configuration, not only by the JDK's defaults: the gateway runs in a
     * JVM of its own whose java.security re-enables them, and a TLS 1.1 ClientHello made here byte by byte is answered
     * with an alert, while the same hello at TLS 1.2 gets a ServerHello. A control gateway configured to allow TLS 1.1
     * in the same kind of JVM answers the 1.1 hello, so the refusal is the configuration's.
     */
    @Test
    void aHandshakeBelowTls12IsRefused(@TempDir Path work) throws Exception {
        Path security = Files.writeString(work.resolve("java.security"), "jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, NULL, anon\n");
        Process gatewayProcess = null;
        Process control = null;
        try {
            gatewayProcess = tlsProcess(work.resolve("gateway.port"), security);
            // The hello's TLS 1.1 suites (ECDHE-ECDSA with CBC) are not among Netty's defaults: the control allows them too.
            control = tlsProcess(work.resolve("control.port"), security, "-Dmicronaut.server.ssl.protocols=TLSv1.1,TLSv1.2",
                    "-Dmicronaut.server.ssl.ciphers=TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
            int port = GatewayProcess.baseOf(work.resolve("gateway.port"), gatewayProcess).getPort();
            int controlPort = GatewayProcess.baseOf(work.resolve("control.port"), control).getPort();

            assertEquals("ServerHello", answer(port, 0x0303), "TLS 1.2 is served");
            assertEquals("ServerHello", answer(controlPort, 0x0302), "the control gateway, allowed TLS 1.1, serves it");
            assertEquals("alert 70", answer(port, 0x0302), "TLS 1.1 is refused with protocol_version");
        } finally {
            for (Process p : new Process[] {gatewayProcess, control}) {
                if (p != null) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static final int HANDSHAKE = 0x16;

    private static Process tlsProcess(Path portFile, Path security, String... options) throws IOException {
        List<String> jvm = new java.util.ArrayList<>(List.of("-Djava.security.properties=" + security,
                "-Dmicronaut.server.ssl.enabled=true", "-Dmicronaut.server.ssl.port=-1",
                "-Dcaracal.gateway.tls.cert-file=" + dir.resolve("secret/tls.crt"), "-Dcaracal.gateway.tls.key-file=" + dir.resolve("secret/tls.key")));
        jvm.addAll(List.of(options));
        return GatewayProcess.start(SharedServices.postgres().jdbcUrl(DATABASE), "http://127.0.0.1:1", Duration.ofMinutes(5), portFile, jvm);
    }

    /**
     * What the server answers a ClientHello of {@code version} (0x0302: TLS 1.1, 0x0303: TLS 1.2) offering ECDHE-ECDSA
     * suites for the test's P-256 certificate: "ServerHello", "alert &lt;description&gt;" or "closed".
     */
    private static String answer(int port, int version) throws IOException {
        byte[] suites = {(byte) 0xc0, 0x2b, (byte) 0xc0, 0x09, (byte) 0xc0, 0x0a};
        byte[] extensions = {
                0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17, // supported_groups: secp256r1
                0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, // ec_point_formats: uncompressed
                0x00, 0x0d, 0x00, 0x04, 0x00, 0x02, 0x04, 0x03}; // signature_algorithms: ecdsa_secp256r1_sha256
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(version >> 8);
        body.write(version);
        body.write(new byte[32], 0, 32); // client random
        body.write(0); // no session id
        body.write(0);
        body.write(suites.length);
        body.write(suites, 0, suites.length);
        body.write(1); // compression: null only
        body.write(0);
        body.write(0);
        body.write(extensions.length);
        body.write(extensions, 0, extensions.length);
        byte[] hello = body.toByteArray();
        java.io.ByteArrayOutputStream record = new java.io.ByteArrayOutputStream();
        record.write(new byte[] {HANDSHAKE, 0x03, 0x01, (byte) ((hello.length + 4) >> 8), (byte) (hello.length + 4), 0x01, 0,
                (byte) (hello.length >> 8), (byte) hello.length}, 0, 9);
        record.write(hello, 0, hello.length);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(record.toByteArray());
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            int type = in.read();
            byte[] next = in.readNBytes(6); // version, length, then the handshake type or the alert
            if (type == HANDSHAKE && next.length == 6 && next[4] == 0x02) {
                return "ServerHello";
            }
            if (type == 0x15 && next.length == 6) {
                return "alert " + next[5];
            }
            return type == -1 ? "closed" : "record " + type;
        } catch (java.net.SocketException e) {
            return "closed";
        }
    }

    private static Issued server(String cn) throws Exception {
        return TestCertificates.leaf(ca, cn, Instant.now().minusSeconds(60), Instant.now().plusSeconds(86_400), true);
    }

    private static void writeVersion(String version, Issued certificate) throws IOException {
        Path directory = Files.createDirectories(dir.resolve("secret").resolve(version));
        Files.writeString(directory.resolve("tls.crt"), certificate.pem() + ca.pem());
        Files.writeString(directory.resolve("tls.key"), certificate.privateKeyPem());
    }

    /** The serial the next new connection is served once it is {@code expected}'s, or the last one seen after 10 s. */
    private static BigInteger servedSerialOnce(Issued expected) {
        return Await.until(Duration.ofSeconds(10), GatewayTlsTest::servedSerial, serial -> serial.equals(expected.certificate().getSerialNumber()));
    }

    private static BigInteger servedSerial() {
        return served().getSerialNumber();
    }

    /** The certificate a new connection gets: a new SSL context each time, so no TLS session is resumed. */
    private static X509Certificate served() {
        try (SSLSocket socket = (SSLSocket) trustingCa().getSocketFactory().createSocket("127.0.0.1", gateway.base.getPort())) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static SSLContext trustingCa() throws Exception {
        return TestCertificates.clientContext(ca.certificate(), null);
    }
}
