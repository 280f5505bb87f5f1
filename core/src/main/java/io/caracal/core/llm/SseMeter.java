package io.caracal.core.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.sse.SseSplitter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Meters a server-sent-events response as it streams through, event by event: the usage the provider reports and a
 * lower bound on the tokens generated so far. Events pass on byte for byte, as soon as they are complete. Not
 * thread-safe; one per call.
 */
public final class SseMeter {
    private static final Set<String> RESPONSE_ENDS = Set.of("response.completed", "response.incomplete", "response.failed");
    /** Events of the responses API whose delta is text the model generated (output, reasoning, refusals, tool input). */
    private static final Set<String> RESPONSE_DELTAS = Set.of("response.output_text.delta", "response.refusal.delta",
            "response.function_call_arguments.delta", "response.custom_tool_call_input.delta", "response.mcp_call_arguments.delta",
            "response.code_interpreter_call_code.delta");
    /** The fields of an Anthropic content_block_delta that carry generated text, by delta type. */
    private static final Set<String> ANTHROPIC_TEXT_FIELDS = Set.of("text", "thinking", "partial_json");
    private static final Set<String> ANTHROPIC_COUNTS = Set.of("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens", "output_tokens");

    private final LlmApi api;
    private final boolean dropInjectedUsageChunk;
    /** No provider sends an event near this size; an unfinished one past it would only fill the gateway's memory. */
    private static final int MAX_EVENT_BYTES = 64 << 20;

    private final SseSplitter events = new SseSplitter(MAX_EVENT_BYTES);
    /** Whether the last event was passed on: an LF that completes its CRLF goes (or is dropped) with it. */
    private boolean lastPassed;
    private TokenUsage usage;
    /** Anthropic's usage so far: message_start's, with the counts of later message_delta events written over it. */
    private ObjectNode anthropicUsage;
    private long generated;
    private final long limit;
    private boolean pastLimit;
    private boolean unreadable;

    private SseMeter(LlmApi api, boolean dropInjectedUsageChunk, long limit) {
        this.api = api;
        this.dropInjectedUsageChunk = dropInjectedUsageChunk;
        this.limit = limit;
    }

    /**
     * {@code dropInjectedUsageChunk}: the gateway asked for the usage chunk of an OpenAI chat or completions stream
     * ({@link LlmRequest#withStreamUsage()}), so that chunk is metered but not passed on: the client did not ask for it.
     */
    public static SseMeter of(LlmApi api, boolean dropInjectedUsageChunk) {
        return new SseMeter(api, dropInjectedUsageChunk, Long.MAX_VALUE);
    }

    /**
     * As {@link #of(LlmApi, boolean)}, for a stream held for {@code generatedTokens} of output: the first event that
     * generates past them, and everything after it, is not passed on, so a stream that ignores its bound is cut
     * exactly where it passes it ({@link #pastLimit()}).
     */
    public static SseMeter limitedTo(LlmApi api, boolean dropInjectedUsageChunk, long generatedTokens) {
        return new SseMeter(api, dropInjectedUsageChunk, generatedTokens);
    }

    /** Whether the stream generated past its limit: nothing from that event on was passed on. */
    public boolean pastLimit() {
        return pastLimit;
    }

    /**
     * Whether an event grew past {@value #MAX_EVENT_BYTES} bytes without ending: nothing from that chunk on was passed
     * on, and the usage read so far no longer counts ({@link #usage()} is empty), as it may leave out what that
     * event and the rest of the stream generated.
     */
    public boolean unreadable() {
        return unreadable;
    }

    /**
     * Feeds a chunk of the upstream body; returns the bytes to send on to the client now: every event completed so
     * far, byte-identical, less an injected usage chunk. An incomplete trailing event is kept until its end arrives.
     */
    public byte[] accept(byte[] chunk) {
        if (unreadable) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.length);
        try {
            events.accept(chunk).forEach(event -> pass(event, meter(event), out));
        } catch (InvalidInputException tooLarge) {
            unreadable = true;
            return new byte[0];
        }
        return out.toByteArray();
    }

    /** At the end of the upstream body: whatever incomplete bytes remain, unchanged (and unmetered, as clients drop them too). */
    public byte[] finish() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!unreadable) {
            events.finish().ifPresent(rest -> pass(rest, true, out));
        }
        return out.toByteArray();
    }

    /** Usage reported so far; empty until the provider reported a readable one, and once the stream is unreadable. */
    public Optional<TokenUsage> usage() {
        return unreadable ? Optional.empty() : Optional.ofNullable(usage);
    }

    /**
     * A lower bound on output tokens generated so far, for cutting a stream that runs past its hold: the number of
     * events that carry generated text, as each carries at least one token.
     */
    public long generatedTokensAtLeast() {
        return generated;
    }

    /**
     * Bytes that end the stream cleanly when the gateway cuts it, sent instead of {@link #finish()}'s leftovers: a
     * comment, then the end marker the provider's SDKs stop at: {@code data: [DONE]} for OpenAI chat and completions,
     * a message_stop event for Anthropic. A responses stream has none (its SDK ends at the end of the body).
     */
    public byte[] cutTail(String comment) {
        String end = switch (api) {
            case OPENAI_CHAT, OPENAI_COMPLETIONS -> "data: [DONE]\n\n";
            case ANTHROPIC_MESSAGES -> "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
            case OPENAI_RESPONSES, OPENAI_EMBEDDINGS -> "";
        };
        return (new String(comment(comment), StandardCharsets.UTF_8) + end).getBytes(StandardCharsets.UTF_8);
    }

    /** One SSE comment event, ": text\n\n"; line breaks in {@code text} become spaces, as they would end the comment. */
    public static byte[] comment(String text) {
        return (": " + text.replaceAll("\r\n|\r|\n", " ") + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    private void pass(SseSplitter.Event event, boolean passOn, ByteArrayOutputStream out) {
        byte[] raw = event.raw();
        int from = event.startsWithLfOfPrevious() ? 1 : 0;
        if (from == 1 && lastPassed) {
            out.write(raw[0]);
        }
        if (passOn) {
            out.write(raw, from, raw.length - from);
        }
        lastPassed = passOn;
    }

    /** Meters one event; whether to pass it on. */
    private boolean meter(SseSplitter.Event event) {
        if (pastLimit) {
            return false;
        }
        boolean pass = read(event);
        if (generated > limit) {
            pastLimit = true;
            return false;
        }
        return pass;
    }

    private boolean read(SseSplitter.Event event) {
        Optional<JsonNode> json = LlmJson.readIfJson(event.data().getBytes(StandardCharsets.UTF_8)).filter(JsonNode::isObject);
        if (json.isEmpty()) {
            return true;
        }
        // The type in the JSON, which the providers always send, else the SSE event name.
        String type = json.get().path("type").asText(event.type() == null ? "" : event.type());
        return switch (api) {
            case OPENAI_CHAT, OPENAI_COMPLETIONS -> chunk(json.get());
            case OPENAI_RESPONSES -> responseEvent(type, json.get());
            case ANTHROPIC_MESSAGES -> anthropicEvent(type, json.get());
            case OPENAI_EMBEDDINGS -> true;
        };
    }

    /** A usage report replaces the earlier one; an unreadable one leaves none, so the caller charges what it held. */
    private void report(JsonNode reported) {
        usage = ReportedUsage.of(api, reported).orElse(null);
    }

    /** An OpenAI chat or completions chunk: usage comes in its own chunk, with no choices, when asked for. */
    private boolean chunk(JsonNode chunk) {
        boolean carriesUsage = chunk.path("usage").isObject();
        if (carriesUsage) {
            report(chunk.get("usage"));
        }
        JsonNode choices = chunk.path("choices");
        for (JsonNode choice : choices) {
            if (generates(choice)) {
                generated++;
                break;
            }
        }
        return !(dropInjectedUsageChunk && carriesUsage && choices.isArray() && choices.isEmpty());
    }

    private boolean generates(JsonNode choice) {
        if (api == LlmApi.OPENAI_COMPLETIONS) {
            return LlmJson.hasText(choice.get("text"));
        }
        JsonNode delta = choice.path("delta");
        if (LlmJson.hasText(delta.get("content")) || LlmJson.hasText(delta.get("refusal"))
                || LlmJson.hasText(delta.get("reasoning")) || LlmJson.hasText(delta.get("reasoning_content"))
                || LlmJson.hasText(delta.path("function_call").get("arguments"))) {
            return true;
        }
        for (JsonNode call : delta.path("tool_calls")) {
            if (LlmJson.hasText(call.path("function").get("arguments"))) {
                return true;
            }
        }
        return false;
    }

    private boolean responseEvent(String type, JsonNode json) {
        if (RESPONSE_ENDS.contains(type) && json.path("response").path("usage").isObject()) {
            report(json.get("response").get("usage"));
        } else if ((RESPONSE_DELTAS.contains(type) || type.startsWith("response.reasoning") && type.endsWith(".delta"))
                && LlmJson.hasText(json.get("delta"))) {
            generated++;
        }
        return true;
    }

    private boolean anthropicEvent(String type, JsonNode json) {
        switch (type) {
            case "message_start" -> {
                JsonNode start = json.path("message").path("usage");
                anthropicUsage = start.isObject() ? ((ObjectNode) start).deepCopy() : null;
                meterAnthropic();
            }
            case "message_delta" -> {
                mergeAnthropic(json.path("usage"));
                meterAnthropic();
            }
            case "content_block_delta" -> {
                JsonNode delta = json.path("delta");
                for (String field : ANTHROPIC_TEXT_FIELDS) {
                    if (LlmJson.hasText(delta.get(field))) {
                        generated++;
                        break;
                    }
                }
            }
            default -> {
            }
        }
        return true;
    }

    /**
     * message_delta's counts are cumulative totals for the whole message: each one present replaces the earlier
     * count. A new cache-write total that its breakdown by lifetime no longer adds up to drops the breakdown.
     */
    private void mergeAnthropic(JsonNode delta) {
        if (!delta.isObject()) {
            return;
        }
        if (anthropicUsage == null) {
            anthropicUsage = JsonNodeFactory.instance.objectNode();
        }
        for (String field : ANTHROPIC_COUNTS) {
            if (delta.hasNonNull(field)) {
                anthropicUsage.set(field, delta.get(field));
            }
        }
        if (delta.path("cache_creation").isObject()) {
            anthropicUsage.set("cache_creation", delta.get("cache_creation"));
        } else if (delta.hasNonNull("cache_creation_input_tokens")) {
            JsonNode breakdown = anthropicUsage.path("cache_creation");
            long sum = breakdown.path("ephemeral_5m_input_tokens").asLong() + breakdown.path("ephemeral_1h_input_tokens").asLong();
            if (!breakdown.isObject() || sum != delta.get("cache_creation_input_tokens").asLong()) {
                anthropicUsage.remove("cache_creation");
            }
        }
    }

    private void meterAnthropic() {
        report(anthropicUsage);
    }
}
