package io.caracal.core.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON-RPC 2.0 error responses the adapter answers instead of forwarding a message. Sent with HTTP 200 and
 * {@code application/json}, the official TypeScript client hands them to the caller as an McpError with this
 * code and data; with a 4xx status it raises a transport error that carries neither.
 *
 * <p>The gateway's own codes lie in JSON-RPC's implementation-defined server-error range (-32000 to -32099),
 * clear of the codes MCP clients already give a meaning: -32000 and -32001 (the TypeScript SDK's
 * ConnectionClosed and RequestTimeout), -32002 (MCP's "resource not found") and -32020 to -32099 (reserved by
 * MCP from 2026-07-28 on; -32042 is URL elicitation required). {@code data.error} names the precise cause
 * with the gateway's error code, the same word its HTTP error bodies use.
 */
public final class JsonRpcErrors {
    /** The body is not JSON. */
    public static final int PARSE_ERROR = -32700;
    /** The body is JSON but not a JSON-RPC request MCP allows. */
    public static final int INVALID_REQUEST = -32600;
    /** The agent's allowlist does not name this tool or resource ({@code resource_not_allowed}). */
    public static final int NOT_ALLOWED = -32003;
    /** The pricebook has no price for this tool or resource, so it cannot be held for ({@code price_not_found}). */
    public static final int NO_PRICE = -32004;
    /** A budget of the agent's would be exceeded ({@code budget_exceeded}); data has remaining_budget and currency. */
    public static final int BUDGET_EXCEEDED = -32005;
    /**
     * The gateway cannot check the call now and denies it (fail-closed: {@code policy_evaluation_failed},
     * {@code allowlist_check_failed}, {@code overloaded}); retrying later may work.
     */
    public static final int GATEWAY_UNAVAILABLE = -32008;
    /** The MCP server could not be reached or did not answer in time ({@code upstream_unreachable}, {@code upstream_timeout}). */
    public static final int UPSTREAM_FAILED = -32009;

    private JsonRpcErrors() {
    }

    /**
     * The error response to request {@code id}, or with a null id when the request's id could not be read
     * (JSON-RPC 2.0). {@code data}, omitted when null or empty, is written with its keys in alphabetical order so
     * the same error is always the same bytes; give money as text, as the gateway's headers do.
     */
    public static byte[] error(JsonNode id, int code, String message, Map<String, Object> data) {
        ObjectNode response = JsonRpc.ANSWERS.createObjectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id == null ? NullNode.getInstance() : id);
        ObjectNode error = response.putObject("error");
        error.put("code", code);
        error.put("message", message);
        if (data != null && !data.isEmpty()) {
            error.set("data", JsonRpc.ANSWERS.valueToTree(new TreeMap<>(data)));
        }
        return JsonRpc.bytes(response);
    }
}
