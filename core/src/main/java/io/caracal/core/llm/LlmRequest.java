package io.caracal.core.llm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caracal.core.error.InvalidInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.OptionalLong;

/**
 * A request body of one of the {@link LlmApi}s, parsed once. Immutable; the {@code with*} methods return a rewritten
 * copy, which keeps every other field, the field order and every number as the client wrote it. A body that is not
 * rewritten is passed on byte for byte.
 */
public final class LlmRequest {
    private static final int MAX_MODEL_LENGTH = 200;
    private final LlmApi api;
    private final ObjectNode json;
    private final byte[] body;
    private final boolean usageInjected;

    private LlmRequest(LlmApi api, ObjectNode json, byte[] body, boolean usageInjected) {
        this.api = api;
        this.json = json;
        this.body = body;
        this.usageInjected = usageInjected;
    }

    /**
     * InvalidInputException when the body is not a JSON object, has no string "model", or has a max-tokens field
     * that is not a non-negative integer (null counts as absent, as the providers take it).
     */
    public static LlmRequest parse(LlmApi api, byte[] body) {
        JsonNode json;
        try {
            json = LlmJson.read(body);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("the request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (json == null || !json.isObject()) {
            throw new InvalidInputException("the request body must be a JSON object");
        }
        if (!json.path("model").isTextual()) {
            throw new InvalidInputException("the request body has no \"model\" string");
        }
        String model = json.get("model").asText();
        // The model names the prices and goes into the ledger with every charge: a name, not a payload.
        if (model.isBlank() || model.length() > MAX_MODEL_LENGTH || model.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException("\"model\" must be 1 to " + MAX_MODEL_LENGTH + " characters, without control characters");
        }
        for (String field : outputLimitFields(api)) {
            JsonNode limit = json.get(field);
            if (limit != null && !limit.isNull() && !(limit.isIntegralNumber() && limit.canConvertToLong() && limit.longValue() >= 0)) {
                throw new InvalidInputException("\"" + field + "\" must be a non-negative integer, got " + limit);
            }
        }
        return new LlmRequest(api, (ObjectNode) json, body.clone(), false);
    }

    /**
     * The fields that bound the output, the one set when the client set none first. Chat has two: the newer
     * {@code max_completion_tokens} (which counts reasoning tokens too) wins over the older {@code max_tokens}.
     */
    private static List<String> outputLimitFields(LlmApi api) {
        return switch (api) {
            case OPENAI_CHAT -> List.of("max_completion_tokens", "max_tokens");
            case OPENAI_COMPLETIONS, ANTHROPIC_MESSAGES -> List.of("max_tokens");
            case OPENAI_RESPONSES -> List.of("max_output_tokens");
            case OPENAI_EMBEDDINGS -> List.of();
        };
    }

    public LlmApi api() {
        return api;
    }

    public String model() {
        return json.get("model").asText();
    }

    /** Whether the client asked for a server-sent-events response ({@code "stream": true}). */
    public boolean stream() {
        JsonNode stream = json.get("stream");
        return stream != null && stream.isBoolean() && stream.booleanValue();
    }

    /** The output bound the client set, if any; an embedding generates nothing, so its bound is always 0. */
    public OptionalLong maxOutputTokens() {
        if (api == LlmApi.OPENAI_EMBEDDINGS) {
            return OptionalLong.of(0);
        }
        for (String field : outputLimitFields(api)) {
            JsonNode limit = json.get(field);
            if (limit != null && !limit.isNull()) {
                return OptionalLong.of(limit.longValue());
            }
        }
        return OptionalLong.empty();
    }

    /**
     * An upper bound on input tokens: the body's length in bytes. Byte-level BPE tokenizers never emit more tokens
     * than there are bytes of text, and the JSON around the text is longer than the chat template's tokens. Images
     * given by URL are the known exception: they cost tokens the body does not carry.
     */
    public long inputTokenBound() {
        return body.length;
    }

    /**
     * Sets the output bound in the field(s) the client used; when it used none: chat -> max_completion_tokens,
     * completions and Anthropic -> max_tokens, responses -> max_output_tokens. Not for embeddings.
     */
    public LlmRequest withMaxOutputTokens(long tokens) {
        if (api == LlmApi.OPENAI_EMBEDDINGS) {
            throw new IllegalStateException("an embeddings request has no output bound to set");
        }
        if (tokens < 0) {
            throw new IllegalArgumentException("the output bound must not be negative, got " + tokens);
        }
        List<String> fields = outputLimitFields(api);
        List<String> used = fields.stream().filter(field -> json.hasNonNull(field)).toList();
        ObjectNode copy = json.deepCopy();
        for (String field : used.isEmpty() ? fields.subList(0, 1) : used) {
            copy.put(field, tokens);
        }
        return rewritten(copy, usageInjected);
    }

    /**
     * OpenAI chat and completions streams report usage only when {@code stream_options.include_usage} is true: sets
     * it (keeping the other stream options) and marks the copy {@link #usageInjected()}, so the chunk the client did
     * not ask for can be taken out again. This request itself when it already asks for usage, does not stream, or is
     * of an API whose streams always report usage.
     */
    public LlmRequest withStreamUsage() {
        JsonNode asked = json.path("stream_options").path("include_usage");
        if (!api.usageOnRequest() || !stream() || asked.isBoolean() && asked.booleanValue()) {
            return this;
        }
        ObjectNode copy = json.deepCopy();
        ObjectNode streamOptions = json.path("stream_options").isObject() ? (ObjectNode) copy.get("stream_options") : copy.putObject("stream_options");
        streamOptions.put("include_usage", true);
        return rewritten(copy, true);
    }

    private LlmRequest rewritten(ObjectNode copy, boolean injected) {
        return new LlmRequest(api, copy, LlmJson.write(copy), injected);
    }

    /** Whether the usage chunk of the stream was asked for by the gateway rather than the client. */
    public boolean usageInjected() {
        return usageInjected;
    }

    public byte[] body() {
        return body.clone();
    }
}
