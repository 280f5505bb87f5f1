package io.caracal.core.pricing;

import java.util.List;

/**
 * How the pricebook names a language model's prices: {@code llm:<model>:<class>}, priced per 1,000,000 tokens of
 * that class, and {@code llm:<model>:request}, a fee per call. The pricing of LLM calls reads these keys and the
 * JSON import writes them, so both spell them from here.
 */
public final class ModelPriceKeys {
    /** The token classes, disjoint: a token of a call is counted in exactly one of them. */
    public static final List<String> TOKEN_CLASSES =
            List.of("input", "cached_input", "cache_write_5m", "cache_write_1h", "output", "reasoning");
    public static final String PER_REQUEST = "request";

    private ModelPriceKeys() {
    }

    public static String key(String model, String priceClass) {
        return "llm:" + model + ":" + priceClass;
    }
}
