package io.caracal.gateway.llm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * One request a stub upstream received, as it arrived: the path with the gateway's or the SDK's base path on it,
 * the headers under case-insensitive names, the body as text and, when it is JSON, parsed (else null).
 */
record RecordedRequest(String method, String path, Map<String, List<String>> headers, String body, JsonNode json) {

    /** The first value of the header {@code name}, whatever its case on the wire; null when absent. */
    String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
