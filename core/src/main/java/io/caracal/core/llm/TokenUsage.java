package io.caracal.core.llm;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Disjoint token counts of one call, all >= 0: a token is counted in exactly one class. */
public record TokenUsage(long input, long cachedInput, long cacheWrite5m, long cacheWrite1h, long output, long reasoning) {
    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0, 0, 0);

    public TokenUsage {
        for (long count : new long[] {input, cachedInput, cacheWrite5m, cacheWrite1h, output, reasoning}) {
            if (count < 0) {
                throw new IllegalArgumentException("token counts must not be negative: " + input + ", " + cachedInput + ", "
                        + cacheWrite5m + ", " + cacheWrite1h + ", " + output + ", " + reasoning);
            }
        }
    }

    public long get(TokenClass c) {
        return switch (c) {
            case INPUT -> input;
            case CACHED_INPUT -> cachedInput;
            case CACHE_WRITE_5M -> cacheWrite5m;
            case CACHE_WRITE_1H -> cacheWrite1h;
            case OUTPUT -> output;
            case REASONING -> reasoning;
        };
    }

    /** For the ledger's metadata: "tokens.input" -> "123", ... one entry per class, all six, in class order. */
    public Map<String, String> metadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (TokenClass c : TokenClass.values()) {
            metadata.put("tokens." + c.key(), Long.toString(get(c)));
        }
        return Collections.unmodifiableMap(metadata);
    }
}
