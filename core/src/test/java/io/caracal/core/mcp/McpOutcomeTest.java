package io.caracal.core.mcp;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class McpOutcomeTest {
    private static final IntNode ID = new IntNode(2);
    private static final String JSON = "application/json";
    private static final String SSE = "text/event-stream";

    private static Optional<McpOutcome> read(String body, String contentType) {
        return McpOutcome.read(body.getBytes(StandardCharsets.UTF_8), contentType, ID);
    }

    private static McpOutcome outcome(String body) {
        return read(body, JSON).orElseThrow();
    }

    @Test
    void aToolResultIsNotAnError() {
        McpOutcome result = outcome("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"72F\"}],\"isError\":false}}");
        assertFalse(result.isJsonRpcError());
        assertFalse(result.isToolError());
        assertEquals(OptionalInt.empty(), result.errorCode());
        assertEquals(0, result.contentBytes(), "a tool's content is not resource contents");
    }

    @Test
    void aToolThatRanAndFailedIsAResultWithAToolError() {
        McpOutcome failed = outcome("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"rate limited\"}],\"isError\":true}}");
        assertFalse(failed.isJsonRpcError());
        assertTrue(failed.isToolError());
    }

    @Test
    void aJsonRpcErrorIsAnErrorWithItsCode() {
        McpOutcome error = outcome("{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32602,\"message\":\"Unknown tool: x\"}}");
        assertTrue(error.isJsonRpcError());
        assertEquals(OptionalInt.of(-32602), error.errorCode());
        assertEquals(OptionalInt.empty(), outcome("{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":\"x\",\"message\":\"m\"}}").errorCode());
        assertFalse(outcome("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{},\"error\":null}").isJsonRpcError(), "a null error is none");
    }

    @Test
    void resourceContentsCountTextInUtf8AndBlobsDecoded() {
        // "héllo" is 6 bytes in UTF-8; "AAEC/w==" and "AAEC_w" (URL-safe, unpadded) decode to 4 bytes; "SGVsbG8=\n" to 5.
        McpOutcome read = outcome("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"contents\":["
                + "{\"uri\":\"file:///a.txt\",\"mimeType\":\"text/plain\",\"text\":\"h\\u00e9llo\"},"
                + "{\"uri\":\"file:///b.bin\",\"blob\":\"AAEC/w==\"},"
                + "{\"uri\":\"file:///c.bin\",\"blob\":\"AAEC_w\"},"
                + "{\"uri\":\"file:///d.bin\",\"blob\":\"SGVsbG8=\\n\"},"
                + "{\"uri\":\"file:///e\",\"text\":\"\"}]}}");
        assertFalse(read.isJsonRpcError());
        assertEquals(6 + 4 + 4 + 5, read.contentBytes());
    }

    @Test
    void onlyTheResponseToThisRequestCounts() {
        assertEquals(Optional.empty(), read("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{}}", JSON));
        assertEquals(Optional.empty(), read("{\"jsonrpc\":\"2.0\",\"id\":\"2\",\"result\":{}}", JSON));
        assertEquals(Optional.empty(), read("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"roots/list\"}", JSON));
        assertEquals(Optional.empty(), read("", JSON));
        assertEquals(Optional.empty(), read("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}", JSON));
        assertTrue(read("[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}},{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":1,\"message\":\"m\"}}]", JSON)
                .orElseThrow().isJsonRpcError());
        assertTrue(McpOutcome.read("{\"jsonrpc\":\"2.0\",\"id\":\"r-1\",\"result\":{}}".getBytes(StandardCharsets.UTF_8), JSON, new TextNode("r-1"))
                .isPresent());
    }

    private static final String PROGRESS = "event: message\r\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
            + "\"params\":{\"progressToken\":2,\"progress\":1}}\r\n\r\n";
    private static final String SERVER_REQUEST = "data: {\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"elicitation/create\",\"params\":{}}\r\n\r\n";
    private static final String RESPONSE = "id: e-9\r\ndata: {\"jsonrpc\":\"2.0\",\"id\":2,\r\ndata: \"result\":{\"contents\":"
            + "[{\"uri\":\"s3://b/k\",\"blob\":\"AAAA\"}]}}\r\n\r\n";

    @Test
    void anSseAnswerIsReadFromTheEventCarryingTheResponse() {
        McpOutcome read = read(PROGRESS + SERVER_REQUEST + RESPONSE, "text/event-stream; charset=utf-8").orElseThrow();
        assertFalse(read.isJsonRpcError());
        assertEquals(3, read.contentBytes());
        assertTrue(read(PROGRESS + "data: {\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32002,\"message\":\"Resource not found\"}}\n\n", SSE)
                .orElseThrow().isJsonRpcError());
    }

    @Test
    void theOutcomeIsKnownAsSoonAsTheResponseEventIsCompleteWhereverTheChunksAreCut() {
        byte[] body = (PROGRESS + SERVER_REQUEST + RESPONSE + ": after\n\n").getBytes(StandardCharsets.UTF_8);
        int responseEnd = (PROGRESS + SERVER_REQUEST + RESPONSE).length();
        for (int cut = 1; cut < body.length; cut++) {
            McpOutcome.Reader reader = McpOutcome.reader(ID, "Text/Event-Stream");
            Optional<McpOutcome> early = reader.accept(Arrays.copyOfRange(body, 0, cut));
            // The CR of the CRLF blank line already ends the event.
            assertEquals(cut >= responseEnd - 1, early.isPresent(), "cut at " + cut);
            Optional<McpOutcome> later = reader.accept(Arrays.copyOfRange(body, cut, body.length));
            assertEquals(3, later.orElseThrow().contentBytes(), "cut at " + cut);
            assertEquals(later, reader.finish());
        }
    }

    @Test
    void anSseAnswerWithoutTheResponseHasNoOutcome() {
        assertEquals(Optional.empty(), read(PROGRESS + SERVER_REQUEST, SSE));
        assertEquals(Optional.empty(), read("event: other\ndata: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}\n\n", SSE));
        assertEquals(Optional.empty(), read("data: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":\n\n", SSE));
    }

    @Test
    void aLastEventWithoutItsBlankLineIsReadWhenTheStreamEnds() {
        McpOutcome.Reader reader = McpOutcome.reader(ID, SSE);
        assertEquals(Optional.empty(), reader.accept("data: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(reader.finish().orElseThrow().isJsonRpcError());
    }

    @Test
    void aJsonAnswerIsReadWhenItIsWhole() {
        McpOutcome.Reader reader = McpOutcome.reader(ID, JSON);
        assertEquals(Optional.empty(), reader.accept("{\"jsonrpc\":\"2.0\",\"id\":2,".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), reader.accept("\"error\":{\"code\":-1,\"message\":\"m\"}}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(OptionalInt.of(-1), reader.finish().orElseThrow().errorCode());
    }

    @Test
    void anAnswerTooLargeToReadHasNoOutcomeButDoesNotStopTheStream() {
        byte[] mib = new byte[1 << 20];
        Arrays.fill(mib, (byte) 'a');
        String start = "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"x\":\"";
        for (String contentType : new String[]{JSON, SSE}) {
            boolean sse = contentType.equals(SSE);
            McpOutcome.Reader reader = McpOutcome.reader(ID, contentType);
            reader.accept(((sse ? "data: " : "") + start).getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i <= 64; i++) {
                assertEquals(Optional.empty(), reader.accept(mib));
            }
            assertEquals(Optional.empty(), reader.accept(("\"}}" + (sse ? "\n\n" : "")).getBytes(StandardCharsets.UTF_8)));
            assertEquals(Optional.empty(), reader.finish(), contentType);
        }
    }
}
