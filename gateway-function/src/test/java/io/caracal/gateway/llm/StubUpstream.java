package io.caracal.gateway.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server standing in for a provider's API: it records every request, answers with the provider's
 * wire format (the subclass's), and can be told to fail every request with a given error or to hold its streams
 * after a number of events until the test releases them.
 */
abstract class StubUpstream implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The {@code created} time of every answer: fixed, so two runs of a test see the same bodies. */
    static final long CREATED = 1_750_000_000L;
    /** How long a held stream waits for its release before it goes on anyway, so a forgotten release cannot hang a build. */
    private static final Duration PAUSE_LIMIT = Duration.ofSeconds(30);

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile Failure failure;
    private volatile Pause pause;

    private record Failure(int status, JsonNode body, Map<String, String> headers) {
    }

    StubUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a local port for the stub upstream", e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** scheme://host:port, with no path. */
    final URI origin() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Every request so far, oldest first. */
    final List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /**
     * From now on every stream stops after {@code events} server-sent events until the returned pause is released
     * (or 30 s pass).
     */
    final Pause pauseStreamsAfter(int events) {
        if (events < 1) {
            throw new IllegalArgumentException("a stream can pause after 1 event or more, not " + events);
        }
        Pause held = new Pause(events);
        pause = held;
        return held;
    }

    /** From now on every request is answered with {@code status}, {@code body} and {@code headers} (the subclass shapes the body). */
    protected final void fail(int status, JsonNode body, Map<String, String> headers) {
        failure = new Failure(status, body, Map.copyOf(headers));
    }

    /** An id unique within this stub, e.g. {@code chatcmpl-stub-3}. */
    protected final String nextId(String prefix) {
        return prefix + "stub-" + ids.incrementAndGet();
    }

    /** The header under which this provider names its request id. */
    protected abstract String requestIdHeader();

    /** The provider's error body for a request it cannot take: 400 (not a POST of JSON) or 404 (no such path). */
    protected abstract JsonNode refusal(int status, String message);

    /**
     * Answers a POST of JSON that no configured failure took, if {@code path} is one of the provider's;
     * false when it is not.
     */
    protected abstract boolean answer(String path, JsonNode body, Reply reply) throws IOException;

    /** "t1 ", "t2 ", ...: one string per generated token, so counting deltas counts tokens. */
    static List<String> tokens(int count) {
        List<String> tokens = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            tokens.add("t" + i + " ");
        }
        return tokens;
    }

    /** A JSON object from alternating names and values (values may be JSON nodes, strings, numbers, lists, null). */
    static ObjectNode object(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            node.set((String) namesAndValues[i], JSON.valueToTree(namesAndValues[i + 1]));
        }
        return node;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
            RecordedRequest request = new RecordedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    headers, body, parse(body));
            requests.add(request);
            Reply reply = new Reply(exchange, pause);
            exchange.getResponseHeaders().add(requestIdHeader(), nextId("req_"));
            Failure failing = failure;
            if (failing != null) {
                failing.headers().forEach(exchange.getResponseHeaders()::add);
                reply.json(failing.status(), failing.body());
            } else if (!"POST".equals(request.method()) || request.json() == null) {
                reply.json(400, refusal(400, "the stub takes a POST with a JSON body"));
            } else if (!answer(request.path(), request.json(), reply)) {
                reply.json(404, refusal(404, "Unknown request URL: POST " + request.path()));
            }
        }
    }

    private static JsonNode parse(String body) {
        try {
            return body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    @Override
    public void close() {
        Pause held = pause;
        if (held != null) {
            held.release();
        }
        server.stop(0);
        threads.shutdownNow();
    }

    /** A hold on this stub's streams, and how a test learns a stream reached it. */
    static final class Pause {
        private final int afterEvents;
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        private Pause(int afterEvents) {
            this.afterEvents = afterEvents;
        }

        /** Whether a stream stopped at the pause within {@code timeout}. */
        boolean awaitReached(Duration timeout) throws InterruptedException {
            return reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Lets every held stream, and every later one, go on. */
        void release() {
            released.countDown();
        }

        private void holdAfter(int eventsSent) throws IOException {
            if (eventsSent != afterEvents) {
                return;
            }
            reached.countDown();
            try {
                released.await(PAUSE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the stream was held", e);
            }
        }
    }

    /** How a subclass answers: one JSON body, or a stream of server-sent events. */
    static final class Reply {
        private final HttpExchange exchange;
        private final Pause pause;

        private Reply(HttpExchange exchange, Pause pause) {
            this.exchange = exchange;
            this.pause = pause;
        }

        void json(int status, JsonNode body) throws IOException {
            byte[] bytes = JSON.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }

        EventStream events() throws IOException {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, 0);
            return new EventStream(exchange.getResponseBody(), pause);
        }
    }

    /** A text/event-stream body: each event is flushed as it is written, and may be held by a pause. */
    static final class EventStream implements Closeable {
        private final OutputStream out;
        private final Pause pause;
        private int sent;

        private EventStream(OutputStream out, Pause pause) {
            this.out = out;
            this.pause = pause;
        }

        /** An event with an {@code event:} line naming it (null: none, as OpenAI's chat streams send). */
        void event(String name, JsonNode data) throws IOException {
            write((name == null ? "" : "event: " + name + "\n") + "data: " + JSON.writeValueAsString(data) + "\n\n");
        }

        /** The {@code data: [DONE]} that ends OpenAI's chat streams. */
        void done() throws IOException {
            write("data: [DONE]\n\n");
        }

        private void write(String event) throws IOException {
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
            sent++;
            if (pause != null) {
                pause.holdAfter(sent);
            }
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
