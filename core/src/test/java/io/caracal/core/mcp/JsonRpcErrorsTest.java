package io.caracal.core.mcp;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonRpcErrorsTest {
    private static String error(com.fasterxml.jackson.databind.JsonNode id, int code, String message, Map<String, Object> data) {
        return new String(JsonRpcErrors.error(id, code, message, data), StandardCharsets.UTF_8);
    }

    @Test
    void aBudgetDenialCarriesTheGatewayCodeRequestIdAndRemainingBudgetInKeyOrder() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("request_id", "req-1");
        data.put("error", "budget_exceeded");
        data.put("remaining_budget", "0.50");
        data.put("currency", "USD");
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32005,\"message\":\"daily budget of $10.00 USD exceeded\","
                        + "\"data\":{\"currency\":\"USD\",\"error\":\"budget_exceeded\",\"remaining_budget\":\"0.50\",\"request_id\":\"req-1\"}}}",
                error(new IntNode(7), JsonRpcErrors.BUDGET_EXCEEDED, "daily budget of $10.00 USD exceeded", data));
    }

    @Test
    void theIdIsEchoedAsSentOrNullWhenItCouldNotBeRead() {
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":\"call-1\",\"error\":{\"code\":-32003,\"message\":\"tool \\\"delete\\\" is not allowed\\n\","
                        + "\"data\":{\"error\":\"resource_not_allowed\",\"request_id\":\"r\"}}}",
                error(new TextNode("call-1"), JsonRpcErrors.NOT_ALLOWED, "tool \"delete\" is not allowed\n",
                        Map.of("error", "resource_not_allowed", "request_id", "r")));
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"the request body is not valid JSON\"}}",
                error(null, JsonRpcErrors.PARSE_ERROR, "the request body is not valid JSON", null));
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"m\"}}",
                error(null, JsonRpcErrors.INVALID_REQUEST, "m", Map.of()));
    }

    @Test
    void theGatewaysCodesAreDistinctServerErrorsNoMcpClientReadsOtherwise() {
        List<Integer> codes = List.of(JsonRpcErrors.NOT_ALLOWED, JsonRpcErrors.NO_PRICE, JsonRpcErrors.BUDGET_EXCEEDED,
                JsonRpcErrors.GATEWAY_UNAVAILABLE,
                JsonRpcErrors.UPSTREAM_FAILED);
        assertEquals(codes.size(), codes.stream().distinct().count());
        for (int code : codes) {
            assertTrue(code <= -32000 && code >= -32099, code + " is in JSON-RPC's server-error range");
            assertFalse(code >= -32002, code + " is taken: -32000/-32001 by the TypeScript SDK, -32002 by MCP (resource not found)");
            assertFalse(code <= -32020, code + " is reserved by MCP 2026-07-28");
        }
    }
}
