package io.caracal.core.llm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** The JSON of provider requests and responses, read and written without changing any value. */
final class LlmJson {
    /**
     * Floats are read as exact decimals, kept with their trailing zeros, so a rewritten body carries the client's
     * numbers unchanged (a double would turn 0.1 into 0.1000000000000000055...). Strings are unbounded: a request
     * may carry a base64 image of tens of megabytes, and the gateway bounds the body's size before it gets here.
     */
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private LlmJson() {
    }

    /** The JSON value of {@code bytes}; an IOException (a JsonProcessingException) when they are not one. */
    static JsonNode read(byte[] bytes) throws IOException {
        return MAPPER.readTree(bytes);
    }

    /** The JSON value of a response or event, or empty when it is not JSON: what cannot be read is not metered. */
    static Optional<JsonNode> readIfJson(byte[] bytes) {
        try {
            return Optional.ofNullable(read(bytes)).filter(node -> !node.isMissingNode());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a field holds a string with at least one character. */
    static boolean hasText(JsonNode value) {
        return value != null && value.isTextual() && !value.asText().isEmpty();
    }
}
