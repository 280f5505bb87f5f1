package io.caracal.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.metrics.PrometheusEndpoint;
import io.caracal.gateway.GatewayFixture.Caller;
import io.caracal.gateway.GatewayFixture.Received;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever a client sends, the gateway either forwards it byte for byte and charges it as usual, or refuses it
 * with a 4xx and the gateway's error body: a client's mistake is never a 5xx (clients retry those), never a
 * stack trace in the log, and always counted in {@code caracal_requests_total}.
 */
class GatewayRequestShapesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 2 * 1024 * 1024;
    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static GatewayFixture f;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeAll
    static void start() throws Exception {
        f = new GatewayFixture("gateway_shapes", Map.of("micronaut.server.max-request-size", MAX_BODY));
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @BeforeEach
    void captureLog() {
        log.start();
        root().addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        root().detachAppender(log);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private static HttpRequest.Builder request(Caller caller, String path) {
        return HttpRequest.newBuilder(f.base.resolve(path)).timeout(java.time.Duration.ofSeconds(20)).header("X-API-Key", caller.key()).header("X-Caracal-Estimated-Cost", "0.30");
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static Received lastReceived() {
        Received last = null;
        for (Received r : f.received) {
            last = r;
        }
        return last;
    }

    @Test
    void bodiesOfAnyTypeReachTheUpstreamByteForByteAndAreCharged() throws Exception {
        Caller caller = f.caller("10.00");
        byte[] binary = random(1024 * 1024);
        String boundary = "caracal-boundary";
        byte[] multipart = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
                + "Content-Type: audio/wav\r\n\r\n" + new String(random(300), StandardCharsets.ISO_8859_1) + "\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        Map<String, byte[]> bodies = new java.util.LinkedHashMap<>();
        bodies.put("text/plain", "hello".getBytes(StandardCharsets.UTF_8));
        bodies.put("application/octet-stream", binary);
        bodies.put("multipart/form-data; boundary=" + boundary, multipart);
        bodies.put("application/x-www-form-urlencoded", "model=whisper-1&language=en".getBytes(StandardCharsets.UTF_8));
        bodies.put("application/xml", "<call><tool>search</tool></call>".getBytes(StandardCharsets.UTF_8));
        int charged = 0;
        for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
            for (String method : List.of("POST", "PUT")) {
                HttpResponse<String> response = send(request(caller, "/stub/v1/audio/transcriptions").header("Content-Type", body.getKey())
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(body.getValue())));
                assertEquals(200, response.statusCode(), method + " " + body.getKey() + ": " + response.body());
                assertEquals("0.30", response.headers().firstValue("X-Caracal-Charged").orElseThrow(), "charged as usual");
                charged++;
                Received received = lastReceived();
                assertEquals(method, received.method());
                assertEquals(body.getKey(), received.contentType());
                assertEquals(GatewayFixture.sha256(body.getValue()), received.sha256(), method + " " + body.getKey() + " arrived unchanged");
            }
        }
        // A chunked upload (no Content-Length) is streamed through as well.
        HttpResponse<String> chunked = send(request(caller, "/stub/v1/files").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.fromPublisher(chunks(binary, 64 * 1024))));
        assertEquals(200, chunked.statusCode(), chunked.body());
        assertEquals(GatewayFixture.sha256(binary), lastReceived().sha256());
        charged++;
        assertEquals(0, new BigDecimal("0.30").multiply(BigDecimal.valueOf(charged)).compareTo(f.spent(caller)), "every call charged once");
    }

    @Test
    void aBodyOverTheLimitIs413WithTheErrorBodyAndNothingIsCharged() throws Exception {
        Caller caller = f.caller("10.00");
        byte[] tooLarge = random(MAX_BODY + 1024 * 1024);
        int hits = f.hits.get();
        HttpResponse<String> declared = send(request(caller, "/stub/v1/files").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(tooLarge)));
        assertError(declared, 413, "request_too_large");
        HttpResponse<String> chunked = send(request(caller, "/stub/v1/files").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.fromPublisher(chunks(tooLarge, 64 * 1024))));
        assertError(chunked, 413, "request_too_large");
        assertEquals(hits, f.hits.get(), "the upstream answered neither");
        assertEquals(0, BigDecimal.ZERO.compareTo(f.spent(caller)), "nothing charged");
        assertEquals(200, send(request(caller, "/stub/v1/chat").POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode(),
                "and no hold was left behind");
        assertNoErrorLogged();
    }

    @Test
    void anEstimateAboveTheEnginesBoundIs400() throws Exception {
        Caller caller = f.caller("10.00");
        HttpResponse<String> response = send(HttpRequest.newBuilder(f.base.resolve("/stub/v1/chat")).header("X-API-Key", caller.key())
                .header("X-Caracal-Estimated-Cost", "1000000001").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertError(response, 400, "invalid_request");
        assertNoErrorLogged();
    }

    @Test
    void aNamedUpstreamWithoutAPathGoesToItsBaseUrl() throws Exception {
        Caller caller = f.caller("10.00");
        for (String path : List.of("/stub", "/stub/")) {
            HttpResponse<String> response = send(request(caller, path).GET());
            assertEquals(200, response.statusCode(), path + ": " + response.body());
            assertEquals("/v1", lastReceived().path(), path);
            assertEquals("0.30", response.headers().firstValue("X-Caracal-Charged").orElseThrow());
            Map<String, List<String>> seen = null;
            for (Map<String, List<String>> headers : f.seenHeaders) {
                seen = headers;
            }
            assertTrue(seen.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("Transfer-Encoding")),
                    "a GET without a body goes without one, not as an empty chunked upload: " + seen);
            assertTrue(seen.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("Upgrade") || name.equalsIgnoreCase("HTTP2-Settings")),
                    "a plain-HTTP upstream is spoken to in HTTP/1.1, not offered an h2c upgrade: " + seen);
        }
    }

    @Test
    void strayPathsAndMethodsAreClean4xxCountedAndNotLoggedAsErrors() throws Exception {
        double notFoundBefore = requests("GET", "ok", 404);
        double notAllowedBefore = requests("OPTIONS", "ok", 405);
        int hits = f.hits.get();
        for (String path : List.of("/anything", "/favicon.ico", "/anything/else", "/")) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(f.base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, response.statusCode(), path + ": " + response.body());
            JsonNode body = JSON.readTree(response.body());
            assertTrue(body.get("error").asText().matches("unknown_upstream|not_found"), path + ": " + response.body());
            assertTrue(body.hasNonNull("request_id"), response.body());
        }
        HttpResponse<String> options = client.send(HttpRequest.newBuilder(f.base.resolve("/stub/v1/chat"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertError(options, 405, "method_not_allowed");
        assertEquals(hits, f.hits.get(), "nothing reached the upstream");
        assertEquals(notFoundBefore + 4, requests("GET", "ok", 404), "every 404 counted");
        assertEquals(notAllowedBefore + 1, requests("OPTIONS", "ok", 405), "and the 405");
        assertNoErrorLogged();
    }

    private static void assertError(HttpResponse<String> response, int status, String error) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(error, body.get("error").asText(), response.body());
        assertTrue(body.hasNonNull("message") && body.hasNonNull("request_id"), response.body());
        assertEquals(body.get("request_id").asText(), response.headers().firstValue("X-Request-ID").orElseThrow());
    }

    private void assertNoErrorLogged() {
        List<String> errors = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getLevel().isGreaterOrEqual(Level.WARN) && e.getThrowableProxy() != null)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(List.of(), errors, "a client's mistake is not an error of the gateway's");
    }

    /** The value of one {@code caracal_requests_total} series, 0 while it does not exist yet. */
    private static double requests(String method, String status, int code) throws Exception {
        int port = f.gateway.getBean(PrometheusEndpoint.class).port();
        String metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String series = "caracal_requests_total{method=\"" + method + "\",status=\"" + status + "\",status_code=\"" + code + "\"} ";
        return metrics.lines().filter(line -> line.startsWith(series)).mapToDouble(line -> Double.parseDouble(line.substring(series.length())))
                .findFirst().orElse(0);
    }

    /** {@code bytes} as a stream of chunks of unknown total length, which the client sends chunked. */
    private static Flow.Publisher<ByteBuffer> chunks(byte[] bytes, int size) {
        return subscriber -> {
            SubmissionPublisher<ByteBuffer> publisher = new SubmissionPublisher<>();
            publisher.subscribe(subscriber);
            for (int offset = 0; offset < bytes.length; offset += size) {
                publisher.submit(ByteBuffer.wrap(bytes, offset, Math.min(size, bytes.length - offset)));
            }
            publisher.close();
        };
    }
}
