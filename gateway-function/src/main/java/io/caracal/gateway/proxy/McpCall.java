package io.caracal.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.caracal.core.mcp.McpMessage;
import io.caracal.core.mcp.McpOutcome;
import io.caracal.core.mcp.McpPricing;
import io.caracal.core.mcp.ToolsListFilter;
import io.caracal.core.money.Money;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * One POST to an MCP server, as the adapter treats it: a {@code tools/call} or {@code resources/read} is priced,
 * held and charged like any call (a JSON-RPC error in answer is not charged); a {@code tools/list} goes through
 * unheld, its answer filtered to the tools the agent may call; anything else goes through untouched.
 */
final class McpCall implements PricedCall {
    private final JsonNode id;
    private final byte[] body;
    private final Money estimate;
    private final String priceKey;
    private final McpPricing.PricedResource resource;
    private final Predicate<String> listFilter;

    private McpCall(JsonNode id, byte[] body, Money estimate, String priceKey, McpPricing.PricedResource resource, Predicate<String> listFilter) {
        this.id = id;
        this.body = body;
        this.estimate = estimate;
        this.priceKey = priceKey;
        this.resource = resource;
        this.listFilter = listFilter;
    }

    static McpCall tool(McpMessage.ToolCall call, byte[] body, McpPricing.PricedTool price) {
        return new McpCall(call.id(), body, price.price(), price.key(), null, null);
    }

    static McpCall resource(McpMessage.ResourceRead read, byte[] body, McpPricing.PricedResource price) {
        return new McpCall(read.id(), body, price.estimate(), price.key(), price, null);
    }

    static McpCall toolsList(McpMessage.ToolsList list, byte[] body, Predicate<String> allowed) {
        return new McpCall(list.id(), body, null, null, null, allowed);
    }

    static McpCall passThrough(byte[] body) {
        return new McpCall(null, body, null, null, null, null);
    }

    /** The JSON-RPC id it answers to; null for messages that get no answer, or none the gateway reads. */
    JsonNode id() {
        return id;
    }

    /** Null for the messages that are not charged. */
    Money estimate() {
        return estimate;
    }

    @Override
    public byte[] body() {
        return body;
    }

    boolean filtersToolList() {
        return listFilter != null;
    }

    @Override
    public Map<String, String> metadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (priceKey != null) {
            metadata.put("price_key", priceKey);
        }
        return metadata;
    }

    /** A whole {@code tools/list} answer, without the tools the agent may not call. */
    byte[] filterList(byte[] answer) {
        return ToolsListFilter.filterJson(answer, id, listFilter);
    }

    ToolsListFilter.SseRewriter listRewriter() {
        return ToolsListFilter.sse(id, listFilter);
    }

    /** Reads the answer for the response to this call, passing every byte on as it is. */
    @Override
    public AnswerMeter meter(boolean eventStream) {
        McpOutcome.Reader reader = McpOutcome.reader(id, eventStream ? "text/event-stream" : "application/json");
        return new AnswerMeter() {
            private Optional<McpOutcome> outcome = Optional.empty();

            @Override
            public byte[] accept(byte[] chunk) {
                outcome = reader.accept(chunk);
                return chunk;
            }

            @Override
            public byte[] finish() {
                outcome = reader.finish();
                return new byte[0];
            }

            @Override
            public Optional<Money> cost(Money held) {
                return McpCall.this.cost(outcome);
            }

            @Override
            public Map<String, String> metadata() {
                return outcome.map(o -> Map.of("mcp_outcome", o.isToolError() ? "tool_error" : "result",
                        "content_bytes", Long.toString(o.contentBytes()))).orElse(Map.of("mcp_outcome", "not_read"));
            }
        };
    }

    /**
     * What an answer costs: nothing when it is a JSON-RPC error (the call was refused, not served); a resource by
     * the size read; a tool its price. Without a readable answer, the price held.
     */
    private Optional<Money> cost(Optional<McpOutcome> outcome) {
        if (outcome.isPresent() && outcome.get().isJsonRpcError()) {
            return Optional.empty();
        }
        if (resource != null && outcome.isPresent()) {
            return Optional.of(resource.actual(outcome.get().contentBytes()));
        }
        return Optional.of(estimate);
    }
}
