package io.caracal.core.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.sse.SseSplitter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What an MCP server answered to one tools/call or resources/read: a JSON-RPC error (the call is not charged),
 * with its code when that is an integer, or a result. A tool that ran and failed answers a result with
 * {@code isError: true} (MCP's "tool execution error", {@code isToolError}): the server did the work.
 * {@code contentBytes} is the size of the resource contents a result returned: each text in UTF-8 plus each
 * blob decoded from base64.
 */
public record McpOutcome(boolean isJsonRpcError, OptionalInt errorCode, boolean isToolError, long contentBytes) {
    /**
     * The outcome of request {@code requestId} in a whole answer body of the given Content-Type, or empty when
     * the body holds no response to it that the client could read.
     */
    public static Optional<McpOutcome> read(byte[] body, String contentType, JsonNode requestId) {
        Reader reader = reader(requestId, contentType);
        reader.accept(body);
        return reader.finish();
    }

    /** Reads the answer chunk by chunk as it streams through to the client. */
    public static Reader reader(JsonNode requestId, String contentType) {
        return new Reader(requestId, McpContentType.isEventStream(contentType));
    }

    static McpOutcome of(ObjectNode response) {
        JsonNode error = response.get("error");
        if (error != null && !error.isNull()) {
            JsonNode code = error.path("code");
            boolean integer = code.isIntegralNumber() && code.canConvertToInt();
            return new McpOutcome(true, integer ? OptionalInt.of(code.intValue()) : OptionalInt.empty(), false, 0);
        }
        JsonNode result = response.path("result");
        long bytes = 0;
        for (JsonNode content : result.path("contents")) {
            bytes += textBytes(content.path("text")) + blobBytes(content.path("blob"));
        }
        return new McpOutcome(false, OptionalInt.empty(), result.path("isError").booleanValue(), bytes);
    }

    private static long textBytes(JsonNode text) {
        return text.isTextual() ? text.textValue().getBytes(StandardCharsets.UTF_8).length : 0;
    }

    /**
     * The decoded size of a base64 text without decoding it: six bits per base64 character (either alphabet),
     * padding and line breaks not counted.
     */
    private static long blobBytes(JsonNode blob) {
        if (!blob.isTextual()) {
            return 0;
        }
        return blob.textValue().chars().filter(McpOutcome::isBase64Digit).count() * 6 / 8;
    }

    private static boolean isBase64Digit(int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_';
    }

    /**
     * An answer read as it streams: an SSE stream event by event, so the outcome is known as soon as the event
     * carrying the response is complete; a JSON body once it is whole. An answer the adapter cannot read within
     * {@value JsonRpc#MAX_MESSAGE_BYTES} bytes per message has no outcome: the stream itself goes on.
     */
    public static final class Reader {
        private final JsonNode requestId;
        private final SseSplitter events;
        private final ByteArrayOutputStream json;
        private boolean unreadable;
        private McpOutcome outcome;

        private Reader(JsonNode requestId, boolean eventStream) {
            this.requestId = requestId;
            this.events = eventStream ? JsonRpc.eventStream() : null;
            this.json = eventStream ? null : new ByteArrayOutputStream();
        }

        /** Takes the next chunk of the answer; the outcome once the response to the request has been read. */
        public Optional<McpOutcome> accept(byte[] chunk) {
            if (outcome != null || unreadable) {
                return Optional.ofNullable(outcome);
            }
            if (events == null) {
                if (json.size() + (long) chunk.length > JsonRpc.MAX_MESSAGE_BYTES) {
                    unreadable = true;
                } else {
                    json.writeBytes(chunk);
                }
                return Optional.empty();
            }
            try {
                events.accept(chunk).forEach(this::read);
            } catch (InvalidInputException tooLarge) {
                unreadable = true;
            }
            return Optional.ofNullable(outcome);
        }

        /** The outcome once the answer has ended, or empty when it held no response to the request. */
        public Optional<McpOutcome> finish() {
            if (outcome == null && !unreadable) {
                if (events == null) {
                    JsonRpc.readAnswer(json.toByteArray()).ifPresent(this::read);
                } else {
                    events.finish().ifPresent(this::read);
                }
            }
            return Optional.ofNullable(outcome);
        }

        private void read(SseSplitter.Event event) {
            if (outcome == null) {
                JsonRpc.messageIn(event).ifPresent(this::read);
            }
        }

        private void read(JsonNode message) {
            JsonRpc.responseTo(message, requestId).ifPresent(response -> outcome = of(response));
        }
    }
}
