package io.caracal.gateway.proxy;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.netty.NettyHttpRequest;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A request to proxy and the buffered answer to it, with case-insensitive header names. */
public final class ProxyExchange {
    private ProxyExchange() {
    }

    /**
     * {@code path} is the part after the upstream name, still percent-encoded as it arrived. {@code source} is the
     * request as it arrived, whose body goes to the upstream as it is, whatever its type: a server request's body
     * is read from the client's connection only while the call is forwarded, so a refused call never waits for,
     * nor buffers, an upload. {@code remoteAddress} is the peer's IP (null when unknown, as behind Lambda);
     * {@code clientCertificate} the certificate the TLS stack verified for this connection, if the client
     * presented one.
     */
    public record Request(String method, String upstream, String path, String rawQuery, Map<String, List<String>> headers, HttpRequest<?> source,
                          String remoteAddress, X509Certificate clientCertificate) {
        public Request {
            headers = caseInsensitive(headers);
        }

        /** A request whose body is already in memory (Lambda events, tests). */
        public Request(String method, String upstream, String path, String rawQuery, Map<String, List<String>> headers, byte[] body) {
            this(method, upstream, path, rawQuery, headers, inMemory(method, body), null, null);
        }

        /**
         * A server request as the proxy and its authenticators read it: its headers, its peer and, for mTLS, the
         * certificate the TLS stack verified; {@code path} is what of its raw path goes to the upstream.
         */
        public static Request of(HttpRequest<?> request, String upstream, String path) {
            X509Certificate certificate = request.getCertificate().filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast).orElse(null);
            return new Request(request.getMethodName(), upstream, path, request.getUri().getRawQuery(), request.getHeaders().asMap(), request,
                    peerAddress(request), certificate);
        }

        /**
         * The peer's IP address as the server saw it; null for a request that came in a Lambda event, whose URI
         * has no host (HttpRequest would make one up from it) and whose sender API Gateway or the ALB vouch for.
         */
        public static String peerAddress(HttpRequest<?> request) {
            return request instanceof NettyHttpRequest<?> ? request.getRemoteAddress().getAddress().getHostAddress() : null;
        }

        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        private static HttpRequest<?> inMemory(String method, byte[] body) {
            // The URI is the upstream's, set when the call is forwarded.
            var request = HttpRequest.create(HttpMethod.parse(method), "/", method);
            return body == null || body.length == 0 ? request : request.body(body);
        }
    }

    public record Response(int status, Map<String, List<String>> headers, byte[] body) {
        public Response {
            headers = caseInsensitive(headers);
        }
    }

    static Map<String, List<String>> caseInsensitive(Map<String, List<String>> headers) {
        Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.computeIfAbsent(name, n -> new java.util.ArrayList<>()).addAll(values));
        return copy;
    }
}
