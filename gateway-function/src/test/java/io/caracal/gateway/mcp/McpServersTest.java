package io.caracal.gateway.mcp;

import io.caracal.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class McpServersTest {
    @Test
    void eachServerBecomesAnMcpUpstreamOfTheSameName() {
        Map<String, Object> properties = McpServers.properties(
                "[{\"name\":\"github\",\"url\":\"https://mcp.example.com/mcp\",\"timeout_seconds\":30},{\"name\":\"files\",\"url\":\"http://10.0.0.5:9000/mcp\"}]");

        assertEquals(Map.of("caracal.gateway.upstreams.github.url", "https://mcp.example.com/mcp", "caracal.gateway.upstreams.github.type", "mcp",
                "caracal.gateway.upstreams.files.url", "http://10.0.0.5:9000/mcp", "caracal.gateway.upstreams.files.type", "mcp"), properties);
    }

    @Test
    void anythingElseIsRefusedWithTheReason() {
        for (String[] bad : new String[][] {{null, "not set"}, {"", "not set"}, {"{", "not JSON"}, {"{}", "non-empty JSON array"}, {"[]", "non-empty"},
                {"[{\"name\":\"Git Hub\",\"url\":\"https://x\"}]", "lower-case"}, {"[{\"name\":\"a\"}]", "http(s) url"},
                {"[{\"name\":\"a\",\"url\":\"file:///etc/passwd\"}]", "http(s) url"}, {"[{\"name\":\"a\",\"url\":\"http://[bad\"}]", "http(s) url"},
                {"[{\"name\":\"a\",\"url\":\"http://x\"},{\"name\":\"a\",\"url\":\"http://y\"}]", "named twice"}}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> McpServers.properties(bad[0]), String.valueOf(bad[0]));
            assertTrue(e.getMessage().contains(bad[1]), bad[0] + " -> " + e.getMessage());
        }
    }
}
