package io.caracal.core.llm;

import java.util.Optional;

/** The LLM APIs the gateway prices, recognised by the path after the upstream's base URL. */
public enum LlmApi {
    OPENAI_CHAT, OPENAI_COMPLETIONS, OPENAI_EMBEDDINGS, OPENAI_RESPONSES, ANTHROPIC_MESSAGES;

    /**
     * Provider "openai": chat/completions, completions, embeddings, responses (POST only; the caller checks the
     * method); "anthropic": messages, but not messages/count_tokens nor messages/batches, which generate nothing
     * or are billed later. With or without a leading "v1/" and slashes around; a query string is ignored. Empty
     * for anything else.
     */
    public static Optional<LlmApi> of(String provider, String path) {
        if (provider == null || path == null) {
            return Optional.empty();
        }
        int query = path.indexOf('?');
        String route = stripSlashes(query < 0 ? path : path.substring(0, query));
        if (route.startsWith("v1/")) {
            route = route.substring("v1/".length());
        }
        return Optional.ofNullable(switch (provider) {
            case "openai" -> switch (route) {
                case "chat/completions" -> OPENAI_CHAT;
                case "completions" -> OPENAI_COMPLETIONS;
                case "embeddings" -> OPENAI_EMBEDDINGS;
                case "responses" -> OPENAI_RESPONSES;
                default -> null;
            };
            case "anthropic" -> route.equals("messages") ? ANTHROPIC_MESSAGES : null;
            default -> null;
        });
    }

    private static String stripSlashes(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(start, end);
    }

    /** Whether its streams report usage only when asked to ({@code stream_options.include_usage}). */
    boolean usageOnRequest() {
        return this == OPENAI_CHAT || this == OPENAI_COMPLETIONS;
    }
}
