package io.caracal.gateway.config;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A named upstream, {@code caracal.gateway.upstreams.<name>}: requests to {@code /<name>/...} go to
 * {@code url} + the rest of the path, with {@code headers} (the upstream's credentials, from config or
 * secrets) added by the gateway. Its {@code type} says how its calls are priced (see {@link UpstreamType}); for
 * the LLM types, the output bounds below make every hold an upper bound of the call's cost.
 */
@EachProperty("caracal.gateway.upstreams")
public class UpstreamSettings {
    private final String name;
    private URI url;
    private Map<String, String> headers = new LinkedHashMap<>();
    /** The pricebook resource a call is estimated (and, without a reported cost, charged) with, when the agent sends no estimate. */
    private String resource;
    private UpstreamType type = UpstreamType.GENERIC;
    /** Lower a request's max tokens to what the remaining budget pays for (LLM types), instead of denying it. */
    private boolean clamp = true;
    /** Below this many output tokens a clamped call is denied: an answer cut that short is worth nothing. */
    private long minOutputTokens = 16;
    /** The output bound set on a request that gives none, so that its hold still bounds its cost. */
    private long defaultMaxOutputTokens = 4096;
    /** Per model (as the pricebook names it, e.g. gpt-4o), overriding {@code defaultMaxOutputTokens}. */
    private Map<String, Long> modelMaxOutputTokens = new LinkedHashMap<>();

    public UpstreamSettings(@Parameter String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public URI getUrl() {
        return url;
    }

    public void setUrl(URI url) {
        this.url = url;
    }

    public String getResource() {
        return resource;
    }

    public void setResource(String resource) {
        this.resource = resource;
    }

    public UpstreamType getType() {
        return type;
    }

    public void setType(UpstreamType type) {
        this.type = type;
    }

    public boolean isClamp() {
        return clamp;
    }

    public void setClamp(boolean clamp) {
        this.clamp = clamp;
    }

    public long getMinOutputTokens() {
        return minOutputTokens;
    }

    public void setMinOutputTokens(long minOutputTokens) {
        this.minOutputTokens = minOutputTokens;
    }

    public long getDefaultMaxOutputTokens() {
        return defaultMaxOutputTokens;
    }

    public void setDefaultMaxOutputTokens(long defaultMaxOutputTokens) {
        this.defaultMaxOutputTokens = defaultMaxOutputTokens;
    }

    public Map<String, Long> getModelMaxOutputTokens() {
        return modelMaxOutputTokens;
    }

    public void setModelMaxOutputTokens(Map<String, Long> modelMaxOutputTokens) {
        this.modelMaxOutputTokens = modelMaxOutputTokens;
    }

    /** The output bound for a request to {@code model} that sets none. */
    public long defaultMaxOutputTokens(String model) {
        return modelMaxOutputTokens.getOrDefault(model, defaultMaxOutputTokens);
    }

    public Map<String, String> getHeaders() {
        return headers;
    }

    public void setHeaders(Map<String, String> headers) {
        this.headers = headers;
    }
}
