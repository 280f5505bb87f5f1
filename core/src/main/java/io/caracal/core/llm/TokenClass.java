package io.caracal.core.llm;

import java.util.Locale;

/**
 * The classes of tokens an LLM call is charged for, each at its own price: providers charge cached input less and
 * cache writes more than fresh input, and may price reasoning apart from visible output.
 */
public enum TokenClass {
    INPUT, CACHED_INPUT, CACHE_WRITE_5M, CACHE_WRITE_1H, OUTPUT, REASONING;

    /** Its name in pricebook keys and metadata: "input", "cached_input", "cache_write_5m", ... */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the tokens are produced by the model (priced as output) rather than read by it. */
    boolean generated() {
        return this == OUTPUT || this == REASONING;
    }
}
