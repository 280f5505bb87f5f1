package io.caracal.gateway.proxy;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

import java.security.cert.X509Certificate;
import io.micronaut.http.server.netty.NettyHttpRequest;

import java.util.ArrayList;
import java.util.function.BooleanSupplier;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Thin HTTP edge: every {@code /<upstream>/<path>} request goes through the {@link Proxy} pipeline, and the
 * upstream's body is streamed back as it arrives (server-sent events from an LLM included), never buffered.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class ProxyController {
    // The path must not be empty, so /health and /ready never match a proxy route.
    private static final String ROUTE = "/{upstream}/{+path:.+}";

    private final Proxy proxy;

    public ProxyController(Proxy proxy) {
        this.proxy = proxy;
    }

    @Get(ROUTE)
    public MutableHttpResponse<Publisher<byte[]>> get(HttpRequest<byte[]> request, @PathVariable String upstream, @PathVariable String path) {
        return handle(request, upstream, path);
    }

    @Post(ROUTE)
    public MutableHttpResponse<Publisher<byte[]>> post(HttpRequest<byte[]> request, @PathVariable String upstream, @PathVariable String path) {
        return handle(request, upstream, path);
    }

    @Put(ROUTE)
    public MutableHttpResponse<Publisher<byte[]>> put(HttpRequest<byte[]> request, @PathVariable String upstream, @PathVariable String path) {
        return handle(request, upstream, path);
    }

    @Patch(ROUTE)
    public MutableHttpResponse<Publisher<byte[]>> patch(HttpRequest<byte[]> request, @PathVariable String upstream, @PathVariable String path) {
        return handle(request, upstream, path);
    }

    @Delete(ROUTE)
    public MutableHttpResponse<Publisher<byte[]>> delete(HttpRequest<byte[]> request, @PathVariable String upstream, @PathVariable String path) {
        return handle(request, upstream, path);
    }

    /** Whether the client's connection has closed (checked once the upstream answered, to void instead of charge). */
    private static BooleanSupplier clientGone(HttpRequest<?> request) {
        if (request instanceof NettyHttpRequest<?> netty) {
            return () -> !netty.getChannelHandlerContext().channel().isActive();
        }
        return () -> false;
    }

    private MutableHttpResponse<Publisher<byte[]>> handle(HttpRequest<byte[]> request, String upstream, String path) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        request.getHeaders().forEach((name, values) -> headers.computeIfAbsent(name, n -> new ArrayList<>()).addAll(values));
        X509Certificate certificate = request.getCertificate().filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast).orElse(null);
        // The raw path, not the decoded path variable: decoding first would turn %2F..%2F into a real traversal.
        String rawPath = request.getUri().getRawPath().replaceFirst("^/+[^/]+/?", "");
        ProxyExchange.Streamed response = proxy.handleStreaming(new ProxyExchange.Request(request.getMethodName(), upstream, rawPath,
                request.getUri().getRawQuery(), headers, request.getBody().orElse(null),
                request.getRemoteAddress().getAddress().getHostAddress(), certificate), clientGone(request));
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
        return out.body(body);
    }
}
