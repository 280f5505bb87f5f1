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
        String route = normalised(query < 0 ? path : path.substring(0, query));
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

    /**
     * The path as an upstream server would route it: percent-decoded, in lower case, without path parameters
     * ({@code ;x}) or repeated slashes. Matching the raw text instead would let an agent reach
     * {@code chat/complet%69ons} priced as a generic call, at its own estimate. The gateway forwards the raw path;
     * it refuses encoded slashes before this (see Proxy.upstreamUri), so decoding cannot join or split segments.
     */
    private static String normalised(String rawPath) {
        String decoded;
        try {
            decoded = java.net.URLDecoder.decode(rawPath.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = rawPath;
        }
        StringBuilder route = new StringBuilder();
        for (String segment : decoded.toLowerCase(java.util.Locale.ROOT).split("/")) {
            int parameters = segment.indexOf(';');
            String name = parameters < 0 ? segment : segment.substring(0, parameters);
            if (!name.isEmpty()) {
                route.append(route.length() == 0 ? "" : "/").append(name);
            }
        }
        return route.toString();
    }

    /** Whether its streams report usage only when asked to ({@code stream_options.include_usage}). */
    boolean usageOnRequest() {
        return this == OPENAI_CHAT || this == OPENAI_COMPLETIONS;
    }
}
