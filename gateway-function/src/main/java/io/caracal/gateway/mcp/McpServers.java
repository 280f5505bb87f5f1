package io.caracal.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.error.InvalidInputException;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The MCP servers of {@code CARACAL_MCP_SERVERS}, v0.3's JSON array {@code [{"name":..,"url":..}]}, as the
 * gateway's upstreams of type mcp. Refused with a clear message when it is not that shape, so the adapter does
 * not start serving nothing.
 */
public final class McpServers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private McpServers() {
    }

    public static Map<String, Object> properties(String servers) {
        if (servers == null || servers.isBlank()) {
            throw new InvalidInputException("CARACAL_MCP_SERVERS is not set: give a JSON array such as [{\"name\":\"github\",\"url\":\"https://mcp.example.com/mcp\"}]");
        }
        JsonNode list;
        try {
            list = JSON.readTree(servers);
        } catch (IOException e) {
            throw new InvalidInputException("CARACAL_MCP_SERVERS is not JSON: give an array of {\"name\",\"url\"}");
        }
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new InvalidInputException("CARACAL_MCP_SERVERS must be a non-empty JSON array of {\"name\",\"url\"}");
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        for (JsonNode server : list) {
            String name = server.path("name").asText("");
            String url = server.path("url").asText("");
            if (!name.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
                throw new InvalidInputException("CARACAL_MCP_SERVERS: name '" + name + "' must be lower-case letters, digits, '-' or '_'");
            }
            if (!isHttp(url)) {
                throw new InvalidInputException("CARACAL_MCP_SERVERS: server '" + name + "' needs an http(s) url");
            }
            String prefix = "caracal.gateway.upstreams." + name + ".";
            if (properties.containsKey(prefix + "url")) {
                throw new InvalidInputException("CARACAL_MCP_SERVERS: server '" + name + "' is named twice");
            }
            properties.put(prefix + "url", url);
            properties.put(prefix + "type", "mcp");
        }
        return properties;
    }

    private static boolean isHttp(String url) {
        try {
            URI uri = new URI(url);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
