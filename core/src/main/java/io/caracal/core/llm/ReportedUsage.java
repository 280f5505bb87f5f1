package io.caracal.core.llm;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/**
 * The usage a provider reported, mapped to disjoint {@link TokenClass}es. OpenAI counts cached input inside its
 * prompt tokens and reasoning inside its completion tokens, so they are taken out; Anthropic already reports input
 * apart from cache reads and writes. A count that is missing where the provider always sends it, negative, not an
 * integer, or larger than the total it is part of makes the whole usage unreadable (empty): never a negative charge,
 * and the caller then charges what it held.
 */
public final class ReportedUsage {
    private static final long UNREADABLE = -1;

    private ReportedUsage() {
    }

    /** The usage in a whole JSON response body; empty when there is none (or the body is not JSON). */
    public static Optional<TokenUsage> ofJson(LlmApi api, byte[] body) {
        return LlmJson.readIfJson(body).flatMap(json -> of(api, json.get("usage")));
    }

    /** A provider's {@code usage} object, as found in a response body or a stream event. */
    static Optional<TokenUsage> of(LlmApi api, JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Optional.empty();
        }
        return switch (api) {
            case OPENAI_CHAT, OPENAI_COMPLETIONS -> openAi(usage, "prompt_tokens", "completion_tokens");
            case OPENAI_RESPONSES -> openAi(usage, "input_tokens", "output_tokens");
            case OPENAI_EMBEDDINGS -> usage(required(usage, "prompt_tokens"), 0, 0, 0, 0, 0);
            case ANTHROPIC_MESSAGES -> anthropic(usage);
        };
    }

    /** Cached tokens are part of the input count and reasoning tokens part of the output count. */
    private static Optional<TokenUsage> openAi(JsonNode usage, String inputField, String outputField) {
        long input = required(usage, inputField);
        long cached = optional(usage.path(inputField + "_details"), "cached_tokens");
        long output = required(usage, outputField);
        long reasoning = optional(usage.path(outputField + "_details"), "reasoning_tokens");
        if (cached > input || reasoning > output) {
            return Optional.empty();
        }
        return usage(input - cached, cached, 0, 0, output - reasoning, reasoning);
    }

    /**
     * The cache writes by lifetime when {@code cache_creation} breaks them down, else all at the 5-minute lifetime,
     * the only one before the breakdown existed. Anthropic reports no reasoning count apart from output.
     */
    private static Optional<TokenUsage> anthropic(JsonNode usage) {
        JsonNode creation = usage.get("cache_creation");
        boolean broken = creation != null && creation.isObject();
        long write5m = broken ? optional(creation, "ephemeral_5m_input_tokens") : optional(usage, "cache_creation_input_tokens");
        long write1h = broken ? optional(creation, "ephemeral_1h_input_tokens") : 0;
        return usage(required(usage, "input_tokens"), optional(usage, "cache_read_input_tokens"), write5m, write1h,
                required(usage, "output_tokens"), 0);
    }

    private static Optional<TokenUsage> usage(long input, long cachedInput, long write5m, long write1h, long output, long reasoning) {
        for (long count : new long[] {input, cachedInput, write5m, write1h, output, reasoning}) {
            if (count == UNREADABLE) {
                return Optional.empty();
            }
        }
        return Optional.of(new TokenUsage(input, cachedInput, write5m, write1h, output, reasoning));
    }

    private static long required(JsonNode object, String field) {
        return object.hasNonNull(field) ? count(object.get(field)) : UNREADABLE;
    }

    /** A count the provider may leave out or send as null: zero then. */
    private static long optional(JsonNode object, String field) {
        return object.hasNonNull(field) ? count(object.get(field)) : 0;
    }

    private static long count(JsonNode value) {
        return value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0 ? value.longValue() : UNREADABLE;
    }
}
