package io.caracal.gateway.config;

import java.util.Locale;

/**
 * What an upstream speaks, which decides how its calls are priced: {@code generic} by the agent's estimate or a
 * pricebook resource (and {@code X-Caracal-Actual-Cost}); {@code openai} and {@code anthropic} by the provider's own
 * reported token usage; {@code mcp} per tool call and resource read.
 */
public enum UpstreamType {
    GENERIC, OPENAI, ANTHROPIC, MCP;

    /** The provider's name as the pricing code and the configuration spell it. */
    public String provider() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isLlm() {
        return this == OPENAI || this == ANTHROPIC;
    }
}
