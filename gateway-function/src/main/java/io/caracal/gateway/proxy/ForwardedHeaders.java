package io.caracal.gateway.proxy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which headers cross the gateway. Hop-by-hop headers (RFC 9110 §7.6.1: Connection and every header it
 * names, Keep-Alive, Proxy-Connection, TE, Transfer-Encoding, Upgrade) never do, nor do framing headers the
 * client library sets itself. The agent's own credentials never reach the upstream, and the gateway's
 * control headers stay with the gateway.
 */
final class ForwardedHeaders {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "host", "content-length", "expect");
    private static final Set<String> AGENT_CREDENTIALS = Set.of("authorization", "proxy-authorization", "x-api-key", "x-client-cert");

    private ForwardedHeaders() {
    }

    static Map<String, List<String>> toUpstream(Map<String, List<String>> request, Map<String, String> injected) {
        Map<String, List<String>> out = filter(request, name -> !AGENT_CREDENTIALS.contains(name) && !name.startsWith("x-caracal-"));
        injected.forEach((name, value) -> out.put(name, List.of(value)));
        return out;
    }

    /** The upstream cannot speak for the gateway: its own X-Caracal-* headers (charged, remaining...) are dropped. */
    static Map<String, List<String>> toClient(Map<String, List<String>> response) {
        return filter(response, name -> !name.startsWith(":") && !name.startsWith("x-caracal-"));
    }

    private static Map<String, List<String>> filter(Map<String, List<String>> headers, java.util.function.Predicate<String> keep) {
        Set<String> namedByConnection = headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase("connection"))
                .flatMap(e -> e.getValue().stream())
                .flatMap(v -> java.util.Arrays.stream(v.split(",")))
                .map(v -> v.trim().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        Map<String, List<String>> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(lower) && !namedByConnection.contains(lower) && keep.test(lower)) {
                out.put(name, List.copyOf(values));
            }
        });
        return out;
    }
}
