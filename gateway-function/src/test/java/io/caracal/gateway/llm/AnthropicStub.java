package io.caracal.gateway.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Anthropic's Messages API as the official SDK sees it: {@code POST .../v1/messages} ({@link #baseUrl()} stands for
 * https://api.anthropic.com, to which the SDK appends /v1/messages), answered with a message or, when the request says
 * {@code "stream": true}, the provider's events: message_start, content_block_start, ping, one content_block_delta per
 * token, content_block_stop, message_delta, message_stop. Field names follow anthropic-sdk-typescript's
 * resources/messages types.
 */
final class AnthropicStub extends StubUpstream {

    /**
     * What the model does with each request. As the API counts them, input_tokens leaves out the cached tokens
     * read and written, cache_creation_input_tokens is the 5-minute plus the 1-hour writes, and output_tokens is one
     * per content delta; when it honours max_tokens it stops there with stop_reason max_tokens.
     */
    record Reply(int inputTokens, int cacheReadTokens, int cacheWrite5mTokens, int cacheWrite1hTokens, int tokens,
                 boolean honoursMaxTokens) {
        Reply {
            if (inputTokens < 0 || cacheReadTokens < 0 || cacheWrite5mTokens < 0 || cacheWrite1hTokens < 0 || tokens < 0) {
                throw new IllegalArgumentException("token counts are not negative: " + this);
            }
        }
    }

    /** What message_delta's usage carries: the API has sent both over time, and a reader must take either. */
    enum DeltaUsage {
        /** output_tokens alone. */
        OUTPUT_ONLY,
        /** The whole message's totals: input, cache reads and writes, and output (as the current API does). */
        CUMULATIVE
    }

    private volatile Reply reply = new Reply(12, 0, 0, 0, 3, true);
    private volatile DeltaUsage deltaUsage = DeltaUsage.CUMULATIVE;

    /** Answers the following requests as {@code reply} says. */
    AnthropicStub reply(Reply reply) {
        this.reply = reply;
        return this;
    }

    /** Makes the following streams' message_delta carry {@code usage}'s counters. */
    AnthropicStub deltaUsage(DeltaUsage usage) {
        this.deltaUsage = usage;
        return this;
    }

    /** Stands for https://api.anthropic.com: the SDK's baseURL. */
    URI baseUrl() {
        return origin();
    }

    /**
     * From now on every request fails with {@code status} and Anthropic's error body
     * {@code {"type":"error","error":{"type","message"},"request_id"}}, plus {@code headers}.
     */
    void failWith(int status, String type, String message, Map<String, String> headers) {
        fail(status, error(type, message), headers);
    }

    private JsonNode error(String type, String message) {
        return object("type", "error", "error", object("type", type, "message", message), "request_id", nextId("req_"));
    }

    @Override
    protected String requestIdHeader() {
        return "request-id";
    }

    @Override
    protected JsonNode refusal(int status, String message) {
        return error(status == 404 ? "not_found_error" : "invalid_request_error", message);
    }

    @Override
    protected boolean answer(String path, JsonNode body, StubUpstream.Reply out) throws IOException {
        if (!path.endsWith("/messages")) {
            return false;
        }
        messages(body, out);
        return true;
    }

    private void messages(JsonNode request, StubUpstream.Reply out) throws IOException {
        Reply model = reply;
        JsonNode limit = request.get("max_tokens");
        int allowed = model.honoursMaxTokens() && limit != null && limit.isInt() ? limit.asInt() : Integer.MAX_VALUE;
        List<String> tokens = tokens(Math.min(model.tokens(), allowed));
        String stopReason = tokens.size() < model.tokens() ? "max_tokens" : "end_turn";
        String id = nextId("msg_");
        if (!request.path("stream").asBoolean(false)) {
            out.json(200, message(id, request, List.of(object("type", "text", "text", String.join("", tokens))), stopReason,
                    usage(model, tokens.size())));
            return;
        }
        try (EventStream events = out.events()) {
            // message_start reports the input side in full and 1 output token so far, as the API does.
            events.event("message_start", object("type", "message_start", "message", message(id, request, List.of(), null, usage(model, 1))));
            events.event("content_block_start", object("type", "content_block_start", "index", 0,
                    "content_block", object("type", "text", "text", "")));
            events.event("ping", object("type", "ping"));
            for (String token : tokens) {
                events.event("content_block_delta", object("type", "content_block_delta", "index", 0,
                        "delta", object("type", "text_delta", "text", token)));
            }
            events.event("content_block_stop", object("type", "content_block_stop", "index", 0));
            ObjectNode totals = deltaUsage == DeltaUsage.CUMULATIVE
                    ? object("input_tokens", model.inputTokens(), "cache_creation_input_tokens", cacheWrites(model),
                            "cache_read_input_tokens", model.cacheReadTokens(), "output_tokens", tokens.size())
                    : object("output_tokens", tokens.size());
            events.event("message_delta", object("type", "message_delta",
                    "delta", object("stop_reason", stopReason, "stop_sequence", null), "usage", totals));
            events.event("message_stop", object("type", "message_stop"));
        }
    }

    private static int cacheWrites(Reply model) {
        return model.cacheWrite5mTokens() + model.cacheWrite1hTokens();
    }

    private static ObjectNode usage(Reply model, int outputTokens) {
        return object("input_tokens", model.inputTokens(),
                "cache_creation_input_tokens", cacheWrites(model),
                "cache_read_input_tokens", model.cacheReadTokens(),
                "cache_creation", object("ephemeral_5m_input_tokens", model.cacheWrite5mTokens(),
                        "ephemeral_1h_input_tokens", model.cacheWrite1hTokens()),
                "output_tokens", outputTokens,
                "service_tier", "standard");
    }

    private static ObjectNode message(String id, JsonNode request, List<ObjectNode> content, String stopReason, ObjectNode usage) {
        return object("id", id, "type", "message", "role", "assistant", "model", request.path("model").asText(),
                "content", content, "stop_reason", stopReason, "stop_sequence", null, "usage", usage);
    }
}
