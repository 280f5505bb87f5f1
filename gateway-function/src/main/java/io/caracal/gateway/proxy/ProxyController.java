package io.caracal.gateway.proxy;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.body.CloseableAvailableByteBody;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Thin HTTP edge: every {@code /<upstream>[/<path>]} request goes through the {@link Proxy} pipeline, on a blocking
 * thread until the call is held; no thread waits while the upstream answers. Bodies
 * of any content type go to the upstream as they arrive, and the upstream's body comes back as it arrives
 * (server-sent events from an LLM included): neither is buffered. Behind Lambda (micronaut-function-aws) both
 * are: the event holds the whole request, and the invocation's response must hold the whole answer.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
@Consumes(MediaType.ALL)
public class ProxyController {
    // Literal routes (/health, /ready, /stats) are more specific than these, so they still win.
    private static final String UPSTREAM = "/{upstream}";
    private static final String UPSTREAM_PATH = "/{upstream}/{+path:.*}";
    /** MCP servers (upstreams of type mcp) as the seeds' adapter serves them. */
    private static final String MCP = "/mcp/{server}";
    private static final String MCP_PATH = "/mcp/{server}/{+path:.*}";

    private final Proxy proxy;
    private final long maxBody;

    public ProxyController(Proxy proxy, HttpServerConfiguration server) {
        this.proxy = proxy;
        this.maxBody = server.getMaxRequestSize();
    }

    @Get(uris = {UPSTREAM, UPSTREAM_PATH})
    public CompletableFuture<HttpResponse<?>> get(HttpRequest<?> request, @PathVariable String upstream) {
        return handle(request, upstream);
    }

    @Post(uris = {UPSTREAM, UPSTREAM_PATH})
    public CompletableFuture<HttpResponse<?>> post(HttpRequest<?> request, @PathVariable String upstream) {
        return handle(request, upstream);
    }

    @Put(uris = {UPSTREAM, UPSTREAM_PATH})
    public CompletableFuture<HttpResponse<?>> put(HttpRequest<?> request, @PathVariable String upstream) {
        return handle(request, upstream);
    }

    @Patch(uris = {UPSTREAM, UPSTREAM_PATH})
    public CompletableFuture<HttpResponse<?>> patch(HttpRequest<?> request, @PathVariable String upstream) {
        return handle(request, upstream);
    }

    @Delete(uris = {UPSTREAM, UPSTREAM_PATH})
    public CompletableFuture<HttpResponse<?>> delete(HttpRequest<?> request, @PathVariable String upstream) {
        return handle(request, upstream);
    }

    @Get(uris = {MCP, MCP_PATH})
    public CompletableFuture<HttpResponse<?>> mcpGet(HttpRequest<?> request, @PathVariable String server) {
        return mcp(request, server);
    }

    @Post(uris = {MCP, MCP_PATH})
    public CompletableFuture<HttpResponse<?>> mcpPost(HttpRequest<?> request, @PathVariable String server) {
        return mcp(request, server);
    }

    @Delete(uris = {MCP, MCP_PATH})
    public CompletableFuture<HttpResponse<?>> mcpDelete(HttpRequest<?> request, @PathVariable String server) {
        return mcp(request, server);
    }

    private CompletableFuture<HttpResponse<?>> mcp(HttpRequest<?> request, String server) {
        if (!proxy.servesMcp(server)) {
            throw new HttpStatusException(HttpStatus.NOT_FOUND, "no MCP server named " + server);
        }
        return handle(request, server, "^/+mcp/+[^/]+/?");
    }

    /** Whether the client's connection has closed (checked once the upstream answered, to void instead of charge). */
    private static BooleanSupplier clientGone(HttpRequest<?> request) {
        if (request instanceof NettyHttpRequest<?> netty) {
            return () -> !netty.getChannelHandlerContext().channel().isActive();
        }
        return () -> false;
    }

    private CompletableFuture<HttpResponse<?>> handle(HttpRequest<?> request, String upstream) {
        return handle(request, upstream, "^/+[^/]+/?");
    }

    /** {@code prefix}: what of the raw path names the upstream, the rest going to it. */
    private CompletableFuture<HttpResponse<?>> handle(HttpRequest<?> request, String upstream, String prefix) {
        OptionalLong length = ((ServerHttpRequest<?>) request).byteBody().expectedLength();
        if (length.isPresent() && length.getAsLong() > maxBody) {
            // Refused before anything is held: the declared length already says the body cannot pass. A chunked
            // body that passes the limit mid-stream fails the forwarding instead (413 too).
            throw new ContentLengthExceededException(maxBody, length.getAsLong());
        }
        // The raw path, not the decoded path variable: decoding first would turn %2F..%2F into a real traversal.
        String rawPath = request.getUri().getRawPath().replaceFirst(prefix, "");
        if (!(request instanceof NettyHttpRequest<?>)) {
            return CompletableFuture.completedFuture(whole(proxy.handle(new ProxyExchange.Request(request.getMethodName(), upstream, rawPath,
                    request.getUri().getRawQuery(), request.getHeaders().asMap(), bodyOf((ServerHttpRequest<?>) request)))));
        }
        return proxy.handleStreaming(ProxyExchange.Request.of(request, upstream, rawPath), clientGone(request));
    }

    /**
     * The body of a request that is not Netty's: a Lambda invocation's (micronaut-function-aws), whose event holds
     * the whole body. Such a request is copied, not forwarded itself: it rebuilds its headers from the event on
     * every read, so the proxy could not take the agent's credentials out of them.
     */
    private static byte[] bodyOf(ServerHttpRequest<?> request) {
        try (CloseableAvailableByteBody body = request.byteBody().buffer().join()) {
            return body.toByteArray();
        }
    }

    /** A Lambda invocation's answer, read to its end: its response holds the whole body, which the library encodes. */
    private static HttpResponse<?> whole(ProxyExchange.Response answer) {
        MutableHttpResponse<byte[]> response = HttpResponse.status(answer.status(), null);
        answer.headers().forEach((name, values) -> values.forEach(value -> response.getHeaders().add(name, value)));
        return response.body(answer.body());
    }
}
