package io.caracal.core.mcp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caracal.core.sse.SseSplitter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** How the adapter reads JSON-RPC: the client's bodies strictly, the server's answers as the client reads them. */
final class JsonRpc {
    /** The largest server answer (one body, or one SSE event) the adapter reads. */
    static final int MAX_MESSAGE_BYTES = 64 << 20;

    /**
     * For the client's bodies, which are forwarded as they are: a body that another parser could read
     * differently (a duplicated key) is refused, so the method and tool the gateway checked are the ones the
     * server runs.
     */
    static final JsonMapper REQUESTS = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    /**
     * For the server's answers, read as the client's JSON.parse reads them (the last of duplicated keys wins),
     * with numbers kept exactly as written since a rewritten tools/list carries the tools' JSON schemas on.
     */
    static final JsonMapper ANSWERS = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_MESSAGE_BYTES).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private JsonRpc() {
    }

    /** JSON as compact UTF-8, on one line (a line break in a string is escaped), so it fits in one SSE data line. */
    static byte[] bytes(JsonNode json) {
        try {
            return ANSWERS.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server's answer as JSON, or empty when the client could not read it either. */
    static Optional<JsonNode> readAnswer(byte[] json) {
        try {
            return Optional.of(ANSWERS.readTree(json)).filter(node -> !node.isMissingNode());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The JSON-RPC message the client reads from an SSE event: only events of no type or of type "message" carry one. */
    static Optional<JsonNode> messageIn(SseSplitter.Event event) {
        String type = event.type();
        String data = event.data();
        boolean message = type == null || type.isEmpty() || type.equals("message");
        return message && !data.isEmpty() ? readAnswer(data.getBytes(StandardCharsets.UTF_8)) : Optional.empty();
    }

    /** An event-stream splitter whose events may each carry one message of at most {@link #MAX_MESSAGE_BYTES}. */
    static SseSplitter eventStream() {
        return new SseSplitter(MAX_MESSAGE_BYTES);
    }

    /**
     * The response to request {@code id} in a message or batch: an object with that id and a result or an
     * error. A request from the server may carry the same id (ids are per sender), so one with a method is not it.
     */
    static Optional<ObjectNode> responseTo(JsonNode message, JsonNode id) {
        if (message.isArray()) {
            for (JsonNode element : message) {
                Optional<ObjectNode> response = responseTo(element, id);
                if (response.isPresent()) {
                    return response;
                }
            }
            return Optional.empty();
        }
        boolean response = message.isObject() && !message.has("method") && (message.has("result") || message.has("error"));
        return response && sameId(message.get("id"), id) ? Optional.of((ObjectNode) message) : Optional.empty();
    }

    /** Ids as JSON values: the string "1" is not the number 1, but 1 and 1.0 are the same number. */
    static boolean sameId(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return false;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.isTextual() && b.isTextual() && a.textValue().equals(b.textValue());
    }
}
