package io.caracal.gateway.config;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A named upstream, {@code caracal.gateway.upstreams.<name>}: requests to {@code /<name>/...} go to
 * {@code url} + the rest of the path, with {@code headers} (the upstream's credentials, from config or
 * secrets) added by the gateway.
 */
@EachProperty("caracal.gateway.upstreams")
public class UpstreamSettings {
    private final String name;
    private URI url;
    private Map<String, String> headers = new LinkedHashMap<>();
    /** The pricebook resource a call is estimated (and, without a reported cost, charged) with, when the agent sends no estimate. */
    private String resource;

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

    public Map<String, String> getHeaders() {
        return headers;
    }

    public void setHeaders(Map<String, String> headers) {
        this.headers = headers;
    }
}
