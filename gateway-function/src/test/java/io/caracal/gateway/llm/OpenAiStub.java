package io.caracal.gateway.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's API as the official SDK sees it: {@code POST .../chat/completions} and {@code POST .../responses}
 * (under any base path, {@link #baseUrl()} being the one that stands for https://api.openai.com/v1), answered with a
 * JSON body or, when the request says {@code "stream": true}, the provider's server-sent events. Field and event
 * names follow openai-node's types (resources/chat/completions, resources/responses) and its SSE decoder.
 */
final class OpenAiStub extends StubUpstream {

    /**
     * What the model does with each request. The usage it reports is consistent with what it sends:
     * prompt_tokens (input_tokens) includes the cached ones, completion_tokens (output_tokens) is the reasoning
     * tokens plus one per content delta. When it honours the request's max_completion_tokens (or max_tokens,
     * max_output_tokens), reasoning and content together stay within it and the answer says it was cut short.
     */
    record Reply(int promptTokens, int cachedTokens, int reasoningTokens, int tokens, boolean honoursMaxTokens) {
        Reply {
            if (promptTokens < 0 || cachedTokens < 0 || reasoningTokens < 0 || tokens < 0 || cachedTokens > promptTokens) {
                throw new IllegalArgumentException("token counts are not negative and cached tokens are part of the prompt: " + this);
            }
        }
    }

    /** What one answer generates within the request's limit. */
    private record Generation(int reasoningTokens, List<String> tokens, boolean cut) {
        int outputTokens() {
            return reasoningTokens + tokens.size();
        }

        String text() {
            return String.join("", tokens);
        }
    }

    private volatile Reply reply = new Reply(12, 0, 0, 3, true);

    /** Answers the following requests as {@code reply} says. */
    OpenAiStub reply(Reply reply) {
        this.reply = reply;
        return this;
    }

    /** Stands for https://api.openai.com/v1: the SDK's baseURL. */
    URI baseUrl() {
        return URI.create(origin() + "/v1");
    }

    /**
     * From now on every request fails with {@code status} and OpenAI's error body
     * {@code {"error":{"message","type","param","code"}}}, plus {@code headers} (e.g. x-should-retry: false).
     */
    void failWith(int status, String type, String code, String message, Map<String, String> headers) {
        fail(status, error(type, code, message), headers);
    }

    private static JsonNode error(String type, String code, String message) {
        return object("error", object("message", message, "type", type, "param", null, "code", code));
    }

    @Override
    protected String requestIdHeader() {
        return "x-request-id";
    }

    @Override
    protected JsonNode refusal(int status, String message) {
        return error("invalid_request_error", status == 404 ? "unknown_url" : null, message);
    }

    @Override
    protected boolean answer(String path, JsonNode body, StubUpstream.Reply out) throws IOException {
        if (path.endsWith("/chat/completions")) {
            chat(body, out);
        } else if (path.endsWith("/responses")) {
            responses(body, out);
        } else {
            return false;
        }
        return true;
    }

    private Generation generate(JsonNode limit) {
        Reply model = reply;
        int allowed = model.honoursMaxTokens() && limit != null && limit.isInt() ? limit.asInt() : Integer.MAX_VALUE;
        int reasoning = Math.min(model.reasoningTokens(), allowed);
        int visible = Math.min(model.tokens(), allowed - reasoning);
        return new Generation(reasoning, tokens(visible), reasoning < model.reasoningTokens() || visible < model.tokens());
    }

    private void chat(JsonNode request, StubUpstream.Reply out) throws IOException {
        Reply model = reply;
        Generation generation = generate(request.has("max_completion_tokens") ? request.get("max_completion_tokens") : request.get("max_tokens"));
        String id = nextId("chatcmpl-");
        String modelName = request.path("model").asText();
        String finishReason = generation.cut() ? "length" : "stop";
        ObjectNode usage = object(
                "prompt_tokens", model.promptTokens(),
                "completion_tokens", generation.outputTokens(),
                "total_tokens", model.promptTokens() + generation.outputTokens(),
                "prompt_tokens_details", object("cached_tokens", model.cachedTokens(), "audio_tokens", 0),
                "completion_tokens_details", object("reasoning_tokens", generation.reasoningTokens(), "audio_tokens", 0,
                        "accepted_prediction_tokens", 0, "rejected_prediction_tokens", 0));
        if (!request.path("stream").asBoolean(false)) {
            out.json(200, object("id", id, "object", "chat.completion", "created", CREATED, "model", modelName,
                    "choices", List.of(object("index", 0,
                            "message", object("role", "assistant", "content", generation.text(), "refusal", null, "annotations", List.of()),
                            "logprobs", null, "finish_reason", finishReason)),
                    "usage", usage, "service_tier", "default", "system_fingerprint", "fp_stub"));
            return;
        }
        // With include_usage every chunk carries "usage": null and one last chunk with no choices carries the usage.
        boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
        try (EventStream events = out.events()) {
            events.event(null, chunk(id, modelName, includeUsage,
                    choice(object("role", "assistant", "content", "", "refusal", null), null)));
            for (String token : generation.tokens()) {
                events.event(null, chunk(id, modelName, includeUsage, choice(object("content", token), null)));
            }
            events.event(null, chunk(id, modelName, includeUsage, choice(object(), finishReason)));
            if (includeUsage) {
                events.event(null, chunk(id, modelName, true, null).set("usage", usage));
            }
            events.done();
        }
    }

    private static ObjectNode choice(ObjectNode delta, String finishReason) {
        return object("index", 0, "delta", delta, "logprobs", null, "finish_reason", finishReason);
    }

    /** A chat.completion.chunk; with no choice, the usage chunk's empty choices. */
    private static ObjectNode chunk(String id, String model, boolean includeUsage, ObjectNode choice) {
        ObjectNode chunk = object("id", id, "object", "chat.completion.chunk", "created", CREATED, "model", model,
                "service_tier", "default", "system_fingerprint", "fp_stub", "choices", choice == null ? List.of() : List.of(choice));
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }

    private void responses(JsonNode request, StubUpstream.Reply out) throws IOException {
        Reply model = reply;
        Generation generation = generate(request.get("max_output_tokens"));
        String id = nextId("resp_");
        String messageId = nextId("msg_");
        String status = generation.cut() ? "incomplete" : "completed";
        ObjectNode usage = object(
                "input_tokens", model.promptTokens(),
                "input_tokens_details", object("cached_tokens", model.cachedTokens()),
                "output_tokens", generation.outputTokens(),
                "output_tokens_details", object("reasoning_tokens", generation.reasoningTokens()),
                "total_tokens", model.promptTokens() + generation.outputTokens());
        ObjectNode done = response(id, request, status, List.of(message(messageId, status, generation.text())), usage);
        if (!request.path("stream").asBoolean(false)) {
            out.json(200, done);
            return;
        }
        ResponseEvents events = new ResponseEvents(out.events());
        try (events.stream) {
            ObjectNode started = response(id, request, "in_progress", List.of(), null);
            events.emit("response.created", "response", started);
            events.emit("response.in_progress", "response", started);
            events.emit("response.output_item.added", "output_index", 0, "item", message(messageId, "in_progress", null));
            events.emit("response.content_part.added", "item_id", messageId, "output_index", 0, "content_index", 0,
                    "part", outputText(""));
            for (String token : generation.tokens()) {
                events.emit("response.output_text.delta", "item_id", messageId, "output_index", 0, "content_index", 0,
                        "delta", token, "logprobs", List.of());
            }
            events.emit("response.output_text.done", "item_id", messageId, "output_index", 0, "content_index", 0,
                    "text", generation.text(), "logprobs", List.of());
            events.emit("response.content_part.done", "item_id", messageId, "output_index", 0, "content_index", 0,
                    "part", outputText(generation.text()));
            events.emit("response.output_item.done", "output_index", 0, "item", message(messageId, status, generation.text()));
            events.emit("response." + status, "response", done);
        }
    }

    /** The Responses API's events: each names its type in the event line and in the data, with a running sequence number. */
    private static final class ResponseEvents {
        private final EventStream stream;
        private int sequence;

        private ResponseEvents(EventStream stream) {
            this.stream = stream;
        }

        void emit(String type, Object... fields) throws IOException {
            ObjectNode data = object("type", type, "sequence_number", sequence++);
            data.setAll(object(fields));
            stream.event(type, data);
        }
    }

    private static ObjectNode outputText(String text) {
        return object("type", "output_text", "annotations", List.of(), "logprobs", List.of(), "text", text);
    }

    /** The assistant's output message; with no text yet, its empty content as first announced. */
    private static ObjectNode message(String id, String status, String text) {
        List<ObjectNode> content = new ArrayList<>();
        if (text != null) {
            content.add(outputText(text));
        }
        return object("id", id, "type", "message", "status", status, "role", "assistant", "content", content);
    }

    private static ObjectNode response(String id, JsonNode request, String status, List<ObjectNode> output, ObjectNode usage) {
        return object("id", id, "object", "response", "created_at", CREATED, "status", status, "error", null,
                "incomplete_details", "incomplete".equals(status) ? object("reason", "max_output_tokens") : null,
                "instructions", null, "max_output_tokens", request.get("max_output_tokens"), "model", request.path("model").asText(),
                "output", output, "parallel_tool_calls", true, "previous_response_id", null,
                "reasoning", object("effort", null, "summary", null), "store", true, "temperature", 1.0,
                "text", object("format", object("type", "text")), "tool_choice", "auto", "tools", List.of(), "top_p", 1.0,
                "truncation", "disabled", "usage", usage, "user", null, "metadata", object());
    }
}
