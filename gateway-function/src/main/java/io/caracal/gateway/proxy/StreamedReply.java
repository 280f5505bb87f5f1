package io.caracal.gateway.proxy;

import io.micronaut.core.convert.value.MutableConvertibleValues;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpHeaders;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.netty.NettyHttpHeaders;
import io.micronaut.http.netty.NettyHttpResponseBuilder;
import io.micronaut.http.netty.stream.DefaultStreamedHttpResponse;
import io.micronaut.http.netty.stream.StreamedHttpResponse;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import reactor.core.publisher.Flux;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A response whose body is a stream the gateway makes (a metered or filtered upstream stream), written by the
 * server byte for byte as it comes. Micronaut writes a publisher body through the codec of its content type —
 * which for {@code text/event-stream} would wrap every chunk in an event of its own — but passes a streamed
 * Netty response through untouched, as it does the proxy client's; so this is one.
 */
final class StreamedReply implements MutableHttpResponse<Object>, NettyHttpResponseBuilder {
    private final MutableHttpResponse<Object> head;
    private final Flux<byte[]> body;

    StreamedReply(int status, Map<String, List<String>> headers, Flux<byte[]> body) {
        this.head = HttpResponse.status(status, null);
        headers.forEach((name, values) -> values.forEach(value -> head.getHeaders().add(name, value)));
        this.body = body;
    }

    @Override
    public StreamedHttpResponse toStreamHttpResponse() {
        DefaultStreamedHttpResponse response = new DefaultStreamedHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(code(), reason()), body.map(bytes -> (HttpContent) new DefaultHttpContent(Unpooled.wrappedBuffer(bytes))));
        response.headers().setAll(((NettyHttpHeaders) head.getHeaders()).getNettyHeaders());
        return response;
    }

    @Override
    public io.netty.handler.codec.http.HttpResponse toHttpResponse() {
        return toStreamHttpResponse();
    }

    @Override
    public boolean isStream() {
        return true;
    }

    @Override
    public FullHttpResponse toFullHttpResponse() {
        throw new UnsupportedOperationException("a streamed reply has no full form");
    }

    @Override
    public MutableHttpResponse<Object> cookie(Cookie cookie) {
        head.cookie(cookie);
        return this;
    }

    /** The server clears a body it is about to write as a stream; anything else would lose the stream. */
    @Override
    @SuppressWarnings("unchecked")
    public <T> MutableHttpResponse<T> body(T body) {
        if (body != null) {
            throw new UnsupportedOperationException("a streamed reply's body is its stream");
        }
        return (MutableHttpResponse<T>) this;
    }

    @Override
    public MutableHttpResponse<Object> status(int status, CharSequence message) {
        head.status(status, message);
        return this;
    }

    @Override
    public MutableHttpHeaders getHeaders() {
        return head.getHeaders();
    }

    @Override
    public MutableConvertibleValues<Object> getAttributes() {
        return head.getAttributes();
    }

    @Override
    public Optional<Object> getBody() {
        return Optional.empty();
    }

    @Override
    public int code() {
        return head.code();
    }

    @Override
    public String reason() {
        return head.reason();
    }
}
