package io.caracal.gateway.proxy;

import java.io.IOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Flow;

/** A request to proxy and the answer to it, free of any HTTP framework, with case-insensitive header names. */
public final class ProxyExchange {
    private ProxyExchange() {
    }

    /**
     * {@code path} is the part after the upstream name, still percent-encoded as it arrived. {@code body} is
     * passed to the upstream as it is, whatever its type, and is read only while the call is forwarded: a
     * refused call never waits for, nor buffers, an upload. {@code remoteAddress} is the peer's IP (null when
     * unknown, as behind Lambda); {@code clientCertificate} the certificate the TLS stack verified for this
     * connection, if the client presented one.
     */
    public record Request(String method, String upstream, String path, String rawQuery, Map<String, List<String>> headers, BodyPublisher body,
                          String remoteAddress, X509Certificate clientCertificate) {
        public Request {
            headers = caseInsensitive(headers);
            body = body == null ? BodyPublishers.noBody() : body;
        }

        /** A request whose body is already in memory (Lambda events, tests). */
        public Request(String method, String upstream, String path, String rawQuery, Map<String, List<String>> headers, byte[] body) {
            this(method, upstream, path, rawQuery, headers, body == null || body.length == 0 ? null : BodyPublishers.ofByteArray(body), null, null);
        }

        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /**
     * The client's body went over the gateway's size limit while it was being forwarded (a chunked upload
     * gives no length up front): the client's mistake, answered 413, not an upstream failure.
     */
    public static final class BodyTooLargeException extends IOException {
        public BodyTooLargeException(String message) {
            super(message);
        }
    }

    public record Response(int status, Map<String, List<String>> headers, byte[] body) {
        public Response {
            headers = caseInsensitive(headers);
        }
    }

    /** A reply inside the pipeline: the body is bytes (errors, buffered calls) or the upstream's stream. */
    record Reply<T>(int status, Map<String, List<String>> headers, T body) {
    }

    /** A response whose body is streamed from the upstream as it arrives. */
    public record Streamed(int status, Map<String, List<String>> headers, Flow.Publisher<List<ByteBuffer>> body) {
        public Streamed {
            headers = caseInsensitive(headers);
        }
    }

    /** A stream of one chunk: the gateway's own answers, sent through the streaming path. */
    static Flow.Publisher<List<ByteBuffer>> single(byte[] bytes) {
        return subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private boolean done;

            @Override
            public void request(long n) {
                if (!done && n > 0) {
                    done = true;
                    subscriber.onNext(List.of(ByteBuffer.wrap(bytes)));
                    subscriber.onComplete();
                }
            }

            @Override
            public void cancel() {
                done = true;
            }
        });
    }

    static Map<String, List<String>> caseInsensitive(Map<String, List<String>> headers) {
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.computeIfAbsent(name, n -> new java.util.ArrayList<>()).addAll(values));
        return copy;
    }
}
