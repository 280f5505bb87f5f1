package io.caracal.gateway.proxy;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.body.ByteBody;
import io.micronaut.http.exceptions.BufferLengthExceededException;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Thin HTTP edge: every {@code /<upstream>[/<path>]} request goes through the {@link Proxy} pipeline, on a blocking
 * thread until the call is held; no thread waits while the upstream answers. Bodies
 * of any content type go to the upstream as they arrive, and the upstream's body comes back as it arrives
 * (server-sent events from an LLM included): neither is buffered.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
@Consumes(MediaType.ALL)
public class ProxyController {
    // Literal routes (/health, /ready, /stats) are more specific than these, so they still win.
    private static final String UPSTREAM = "/{upstream}";
    private static final String UPSTREAM_PATH = "/{upstream}/{+path:.*}";

    private final Proxy proxy;
    private final long maxBody;

    public ProxyController(Proxy proxy, HttpServerConfiguration server) {
        this.proxy = proxy;
        this.maxBody = server.getMaxRequestSize();
    }

    @Get(uris = {UPSTREAM, UPSTREAM_PATH})
    public CompletableFuture<MutableHttpResponse<byte[]>> get(HttpRequest<?> request, @PathVariable String upstream) {
        return handle(request, upstream);
    }

    @Post(uris = {UPSTREAM, UPSTREAM_PATH})
    public CompletableFuture<MutableHttpResponse<byte[]>> post(HttpRequest<?> request, @PathVariable String upstream) {
        return handle(request, upstream);
    }

    @Put(uris = {UPSTREAM, UPSTREAM_PATH})
    public CompletableFuture<MutableHttpResponse<byte[]>> put(HttpRequest<?> request, @PathVariable String upstream) {
        return handle(request, upstream);
    }

    @Patch(uris = {UPSTREAM, UPSTREAM_PATH})
    public CompletableFuture<MutableHttpResponse<byte[]>> patch(HttpRequest<?> request, @PathVariable String upstream) {
        return handle(request, upstream);
    }

    @Delete(uris = {UPSTREAM, UPSTREAM_PATH})
    public CompletableFuture<MutableHttpResponse<byte[]>> delete(HttpRequest<?> request, @PathVariable String upstream) {
        return handle(request, upstream);
    }

    /** Whether the client's connection has closed (checked once the upstream answered, to void instead of charge). */
    private static BooleanSupplier clientGone(HttpRequest<?> request) {
        if (request instanceof NettyHttpRequest<?> netty) {
            return () -> !netty.getChannelHandlerContext().channel().isActive();
        }
        return () -> false;
    }

    /**
     * The client's body as the upstream's request body, pulled from the connection only as the upstream
     * takes it. Micronaut stops a body at {@code micronaut.server.max-request-size}; a chunked one that
     * passes it mid-stream surfaces as {@link ProxyExchange.BodyTooLargeException}.
     */
    private BodyPublisher body(HttpRequest<?> request) {
        ByteBody body = ((ServerHttpRequest<?>) request).byteBody();
        OptionalLong length = body.expectedLength();
        if (length.isPresent() && length.getAsLong() == 0) {
            return BodyPublishers.noBody();
        }
        if (length.isPresent() && length.getAsLong() > maxBody) {
            // Refused before anything is held: the declared length already says the body cannot pass.
            throw new ContentLengthExceededException(maxBody, length.getAsLong());
        }
        // Claimed only when the upstream asks for it: a refused call leaves the body to Micronaut to discard.
        Flux<ByteBuffer> chunks = Flux.defer(body::toByteArrayPublisher).map(ByteBuffer::wrap)
                .onErrorMap(e -> e instanceof ContentLengthExceededException || e instanceof BufferLengthExceededException,
                        e -> new ProxyExchange.BodyTooLargeException(e.getMessage()));
        return length.isPresent() ? BodyPublishers.fromPublisher(FlowAdapters.toFlowPublisher(chunks), length.getAsLong())
                : BodyPublishers.fromPublisher(FlowAdapters.toFlowPublisher(chunks));
    }

    private CompletableFuture<MutableHttpResponse<byte[]>> handle(HttpRequest<?> request, String upstream) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        request.getHeaders().forEach((name, values) -> headers.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
        X509Certificate certificate = request.getCertificate().filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast).orElse(null);
        // The raw path, not the decoded path variable: decoding first would turn %2F..%2F into a real traversal.
        String rawPath = request.getUri().getRawPath().replaceFirst("^/+[^/]+/?", "");
        return proxy.handleStreaming(new ProxyExchange.Request(request.getMethodName(), upstream, rawPath,
                request.getUri().getRawQuery(), headers, body(request),
                request.getRemoteAddress().getAddress().getHostAddress(), certificate), clientGone(request)).thenApply(ProxyController::response);
    }

    /**
     * The upstream's answer as it arrives. Declared as a byte[] body although it is a publisher of byte arrays:
     * Micronaut reads the body type of an asynchronous route from its declaration without unwrapping a publisher
     * inside the response, and would frame the chunks of a JSON answer as the items of a JSON array. Declared as
     * bytes, they are written as they are; the publisher itself is recognised when the response is written.
     */
    @SuppressWarnings("unchecked")
    private static MutableHttpResponse<byte[]> response(ProxyExchange.Streamed response) {
        // Any status the upstream chose, not just the ones Micronaut names (599, 520...).
        MutableHttpResponse<Publisher<byte[]>> out = HttpResponse.status(response.status(), null);
        response.headers().forEach((name, values) -> values.forEach(v -> out.getHeaders().add(name, v)));
        Publisher<byte[]> body = Flux.from(FlowAdapters.toPublisher(response.body()))
                .concatMapIterable(buffers -> buffers)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    return bytes;
                });
        return (MutableHttpResponse<byte[]>) (MutableHttpResponse<?>) out.body(body);
    }
}
