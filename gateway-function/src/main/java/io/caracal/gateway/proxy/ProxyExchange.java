package io.caracal.gateway.proxy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A request to proxy and the answer to it, free of any HTTP framework, with case-insensitive header names. */
public final class ProxyExchange {
    private ProxyExchange() {
    }

    public record Request(String method, String upstream, String path, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        public Request {
            headers = caseInsensitive(headers);
            body = body == null ? new byte[0] : body;
        }

        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
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
