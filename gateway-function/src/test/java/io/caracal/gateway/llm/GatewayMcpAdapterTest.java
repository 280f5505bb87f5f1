package io.caracal.gateway.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.caracal.core.allowlist.AllowlistStore;
import io.caracal.core.allowlist.PatternType;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.pricing.PriceDraft;
import io.caracal.core.pricing.PricebookStore;
import io.caracal.gateway.GatewayFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official MCP client (Streamable HTTP) through the gateway's MCP adapter to a real MCP server built on the
 * official SDK, with the server answering in JSON and in SSE: the client sees only the tools the agent's allowlist
 * names, an allowed tool call and a resource read are charged their pricebook prices, and a call to a tool off the
 * allowlist, or past the budget, is a JSON-RPC error that never reaches the server.
 */
class GatewayMcpAdapterTest {
    private static final Duration SCRIPT_LIMIT = Duration.ofSeconds(60);

    private static GatewayFixture gateway(NodeMcpServer server) throws Exception {
        GatewayFixture f = new GatewayFixture("gateway_mcp", Map.of(
                "caracal.gateway.upstreams.tools.url", server.url().toString(),
                "caracal.gateway.upstreams.tools.type", "mcp"));
        List<PriceDraft> prices = new ArrayList<>();
        for (String[] price : new String[][] {{"mcp.tool.search", "0.002"}, {"mcp.tools.tool.translate", "0.003"},
                {"mcp.resource.file", "0.001"}, {"mcp.resource.file.per_mb", "1.00"}}) {
            prices.add(new PriceDraft(price[0], new Money(new BigDecimal(price[1]), new CurrencyCode("USD")), null));
        }
        f.gateway.getBean(PricebookStore.class).importAll(prices);
        return f;
    }

    private static GatewayFixture.Caller caller(GatewayFixture f, String limit) {
        GatewayFixture.Caller caller = f.caller(limit);
        AllowlistStore allowlists = f.gateway.getBean(AllowlistStore.class);
        allowlists.create(caller.agent().id(), PatternType.GLOB, "mcp:tools:search");
        allowlists.create(caller.agent().id(), PatternType.GLOB, "mcp:tools:resource:file:///docs/*");
        return caller;
    }

    private static JsonNode client(GatewayFixture f, GatewayFixture.Caller caller, String calls, String resource) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("MCP_URL", f.base + "/mcp/tools", "API_KEY", caller.key(), "BASE_URL", f.base.toString(),
                "CALLS", calls));
        if (resource != null) {
            env.put("RESOURCE", resource);
        }
        return NodeClients.run("mcp-client.mjs", env, SCRIPT_LIMIT);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theClientSeesOnlyAllowedToolsAndIsChargedForItsCallAndItsRead(boolean jsonResponse) throws Exception {
        try (NodeMcpServer server = NodeClients.startMcpServer(jsonResponse); GatewayFixture f = gateway(server)) {
            GatewayFixture.Caller caller = caller(f, "10.00");

            JsonNode result = client(f, caller, "[{\"name\":\"search\",\"arguments\":{\"query\":\"cats\"}},"
                    + "{\"name\":\"delete_all\",\"arguments\":{}}]", NodeMcpServer.README_URI);

            assertEquals(List.of("search"), texts(result.path("tools")), result::toString);
            JsonNode search = result.path("calls").get(0);
            assertEquals("results for cats", search.path("content").path(0).path("text").asText(), result::toString);
            JsonNode denied = result.path("calls").get(1).path("error");
            assertEquals(-32003, denied.path("code").asInt(), result::toString);
            assertTrue(denied.path("message").asText().contains("mcp:tools:delete_all"), result::toString);
            assertEquals(NodeMcpServer.README_TEXT, result.path("resource").get(0).path("text").asText(), result::toString);
            assertEquals(List.of("search"), server.executedTools(), "the denied call never reached the server");
            // search 0.002; the read: 0.001 + 64 bytes / 2^20 × 1.00 = 0.001 + 0.00006103515625, rounded up to 0.000061036
            assertEquals(new BigDecimal("0.003061036"), f.spent(caller));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aCallPastTheBudgetIsAJsonRpcErrorAndNeverReachesTheServer(boolean jsonResponse) throws Exception {
        try (NodeMcpServer server = NodeClients.startMcpServer(jsonResponse); GatewayFixture f = gateway(server)) {
            GatewayFixture.Caller caller = caller(f, "0.001");

            JsonNode result = client(f, caller, "[{\"name\":\"search\",\"arguments\":{\"query\":\"cats\"}}]", null);

            JsonNode error = result.path("calls").get(0).path("error");
            assertEquals(-32005, error.path("code").asInt(), result::toString);
            assertEquals("budget_exceeded", error.path("data").path("error").asText(), result::toString);
            assertEquals(List.of(), server.executedTools());
            assertEquals(0, f.spent(caller).signum());
        }
    }

    @org.junit.jupiter.api.Test
    void aMalformedMessageIsAJsonRpcErrorNotA5xx() throws Exception {
        try (NodeMcpServer server = NodeClients.startMcpServer(true); GatewayFixture f = gateway(server)) {
            GatewayFixture.Caller caller = caller(f, "10.00");
            for (String body : List.of("", "{", "[1,2", "{\"jsonrpc\":\"2.0\"}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{}}",
                    "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"search\"}}]")) {
                assertMalformed(f, caller, body);
            }
            assertEquals(List.of(), server.executedTools());
        }
    }

    private static void assertMalformed(GatewayFixture f, GatewayFixture.Caller caller, String body) throws Exception {
        {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(f.base + "/mcp/tools"))
                    .header("Authorization", "Bearer " + caller.key()).header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

            assertTrue(response.statusCode() == 400 || response.statusCode() == 200, response.statusCode() + " " + response.body());
            assertTrue(response.body().contains("\"jsonrpc\":\"2.0\"") && response.body().contains("\"error\""), body + " -> " + response.body());
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }
}
