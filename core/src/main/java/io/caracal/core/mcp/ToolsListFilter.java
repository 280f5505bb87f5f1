package io.caracal.core.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caracal.core.sse.SseSplitter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Rewrites a server's answer to tools/list so that it lists only the tools {@code allowed} accepts by name,
 * and everything else as the server sent it: the other tools' fields, the response's other members
 * ({@code nextCursor}, {@code _meta}), the other messages of a batch or a stream. An answer the client could
 * not read as the response to this request goes on byte for byte, since it lists no tool to the client either.
 */
public final class ToolsListFilter {
    private ToolsListFilter() {
    }

    /** A JSON answer: one JSON-RPC response, or a batch of them. */
    public static byte[] filterJson(byte[] body, JsonNode requestId, Predicate<String> allowed) {
        return JsonRpc.readAnswer(body).flatMap(json -> filtered(json, requestId, allowed)).map(JsonRpc::bytes).orElse(body);
    }

    /** An SSE answer, chunk by chunk: see {@link SseRewriter}. */
    public static SseRewriter sse(JsonNode requestId, Predicate<String> allowed) {
        return new SseRewriter(requestId, allowed);
    }

    /**
     * The message with the response to {@code requestId} filtered, or empty when it holds no such response or
     * the response lists only allowed tools. A tool without a string name cannot be allowed: it is left out.
     */
    private static Optional<JsonNode> filtered(JsonNode message, JsonNode requestId, Predicate<String> allowed) {
        return JsonRpc.responseTo(message, requestId).flatMap(response -> {
            JsonNode result = response.get("result");
            JsonNode tools = result == null ? null : result.get("tools");
            if (tools == null || !tools.isArray()) {
                return Optional.empty();
            }
            ArrayNode kept = ((ArrayNode) tools).arrayNode();
            for (JsonNode tool : tools) {
                JsonNode name = tool.path("name");
                if (name.isTextual() && allowed.test(name.textValue())) {
                    kept.add(tool);
                }
            }
            if (kept.size() == tools.size()) {
                return Optional.empty();
            }
            ((ObjectNode) result).set("tools", kept);
            return Optional.of(message);
        });
    }

    /**
     * Filters an SSE answer as it streams: each chunk in gives the bytes to forward, which are whole events
     * only (an event is held until its blank line has arrived). The event that carries the response to the
     * request gets its data lines replaced by one with the filtered JSON, its other lines (id, event, comments)
     * and line ends kept; every other event goes on byte for byte.
     */
    public static final class SseRewriter {
        private final SseSplitter events = JsonRpc.eventStream();
        private final JsonNode requestId;
        private final Predicate<String> allowed;

        private SseRewriter(JsonNode requestId, Predicate<String> allowed) {
            this.requestId = requestId;
            this.allowed = allowed;
        }

        /** The bytes to forward for this chunk: the events it completes. */
        public byte[] accept(byte[] chunk) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.length);
            events.accept(chunk).forEach(event -> out.writeBytes(forward(event)));
            return out.toByteArray();
        }

        /** The bytes to forward when the upstream's stream has ended: whatever was left of it. */
        public byte[] finish() {
            return events.finish().map(this::forward).orElse(new byte[0]);
        }

        private byte[] forward(SseSplitter.Event event) {
            return JsonRpc.messageIn(event).flatMap(message -> filtered(message, requestId, allowed))
                    .map(message -> withData(event, JsonRpc.bytes(message))).orElse(event.raw());
        }

        /** The event with its first data line carrying {@code json} (which holds no line break) and its other data lines gone. */
        private static byte[] withData(SseSplitter.Event event, byte[] json) {
            byte[] raw = event.raw();
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
            int copied = 0;
            boolean written = false;
            for (SseSplitter.Line line : event.lines()) {
                if (line.field().equals("data")) {
                    out.write(raw, copied, line.start() - copied);
                    if (!written) {
                        out.writeBytes("data: ".getBytes(StandardCharsets.UTF_8));
                        out.writeBytes(json);
                        out.write(raw, line.textEnd(), line.end() - line.textEnd());
                        written = true;
                    }
                    copied = line.end();
                }
            }
            out.write(raw, copied, raw.length - copied);
            return out.toByteArray();
        }
    }
}
