package io.caracal.core.mcp;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.caracal.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolsListFilterTest {
    private static final IntNode ID = new IntNode(1);
    private static final Predicate<String> ALLOWED = Set.of("get_weather", "search")::contains;

    /** A tools/list answer in the shape of MCP 2025-06-18, with a number a double would not keep. */
    private static final String LISTED = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":["
            + "{\"name\":\"get_weather\",\"title\":\"Weather\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"days\":{\"type\":\"number\",\"maximum\":7.10}}}},"
            + "{\"name\":\"delete_repo\",\"description\":\"Deletes\",\"inputSchema\":{\"type\":\"object\"}},"
            + "{\"name\":\"search\",\"inputSchema\":{\"type\":\"object\"},\"annotations\":{\"readOnlyHint\":true}},"
            + "{\"title\":\"no name\",\"inputSchema\":{\"type\":\"object\"}}"
            + "],\"nextCursor\":\"page-2\",\"_meta\":{\"k\":\"é\"}}}";
    private static final String FILTERED = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":["
            + "{\"name\":\"get_weather\",\"title\":\"Weather\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"days\":{\"type\":\"number\",\"maximum\":7.10}}}},"
            + "{\"name\":\"search\",\"inputSchema\":{\"type\":\"object\"},\"annotations\":{\"readOnlyHint\":true}}"
            + "],\"nextCursor\":\"page-2\",\"_meta\":{\"k\":\"é\"}}}";

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String filterJson(String body) {
        return new String(ToolsListFilter.filterJson(utf8(body), ID, ALLOWED), StandardCharsets.UTF_8);
    }

    @Test
    void aJsonAnswerListsOnlyTheAllowedToolsAndKeepsEverythingElse() {
        assertEquals(FILTERED, filterJson(LISTED));
    }

    @Test
    void aJsonAnswerWithNothingToRemoveGoesOnByteForByte() {
        byte[] body = utf8("{ \"jsonrpc\": \"2.0\", \"id\": 1, \"result\": {\"tools\": [{\"name\": \"search\"}]} }");
        assertSame(body, ToolsListFilter.filterJson(body, ID, ALLOWED));
    }

    @Test
    void onlyTheResponseToThisRequestIsFiltered() {
        for (String untouched : new String[]{
                LISTED.replace("\"id\":1", "\"id\":2"),
                LISTED.replace("\"id\":1", "\"id\":\"1\""),
                LISTED.replace("\"id\":1,", "\"id\":1,\"method\":\"tools/list\","),
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
                "not json",
                LISTED + " trailing"}) {
            byte[] body = utf8(untouched);
            assertSame(body, ToolsListFilter.filterJson(body, ID, ALLOWED), untouched);
        }
    }

    @Test
    void aBatchHasOnlyTheMatchingResponseFiltered() {
        String other = "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"tools\":[{\"name\":\"delete_repo\"}]}}";
        assertEquals("[" + other + "," + FILTERED + "]", filterJson("[" + other + "," + LISTED + "]"));
    }

    @Test
    void aStringIdMatchesOnlyTheSameString() {
        byte[] body = utf8(LISTED.replace("\"id\":1", "\"id\":\"abc\""));
        assertEquals(FILTERED.replace("\"id\":1", "\"id\":\"abc\""),
                new String(ToolsListFilter.filterJson(body, new TextNode("abc"), ALLOWED), StandardCharsets.UTF_8));
    }

    /** An SSE answer as a server sends it: a progress notification, a request of its own with the same id, then the response. */
    private static String stream(String eol) {
        return ": keep-alive" + eol + eol
                + "event: message" + eol + "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":1,\"progress\":50}}" + eol + eol
                + "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"sampling/createMessage\",\"params\":{\"tools\":[{\"name\":\"delete_repo\"}]}}" + eol + eol
                + "id: stream-1-42" + eol + "event: message" + eol + "data: " + LISTED + eol + eol;
    }

    private static String filteredStream(String eol) {
        return stream(eol).replace("data: " + LISTED, "data: " + FILTERED);
    }

    /** Feeds {@code body} in chunks cut at {@code cuts}, checking that each output is whole events. */
    private static String feed(ToolsListFilter.SseRewriter rewriter, byte[] body, int... cuts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        for (int cut : cuts) {
            out.writeBytes(rewriter.accept(Arrays.copyOfRange(body, from, cut)));
            from = cut;
        }
        out.writeBytes(rewriter.accept(Arrays.copyOfRange(body, from, body.length)));
        out.writeBytes(rewriter.finish());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anSseAnswerHasTheResponseEventRewrittenAndEveryOtherEventKept() {
        for (String eol : new String[]{"\n", "\r\n", "\r"}) {
            assertEquals(filteredStream(eol), feed(ToolsListFilter.sse(ID, ALLOWED), utf8(stream(eol))), "line ends " + eol.length());
        }
    }

    @Test
    void anSseAnswerCutAtEveryByteGivesTheSameBytes() {
        for (String eol : new String[]{"\n", "\r\n", "\r"}) {
            byte[] body = utf8(stream(eol));
            for (int cut = 0; cut <= body.length; cut++) {
                assertEquals(filteredStream(eol), feed(ToolsListFilter.sse(ID, ALLOWED), body, cut), "cut at " + cut);
            }
            ToolsListFilter.SseRewriter rewriter = ToolsListFilter.sse(ID, ALLOWED);
            int[] everyByte = new int[body.length - 1];
            Arrays.setAll(everyByte, i -> i + 1);
            assertEquals(filteredStream(eol), feed(rewriter, body, everyByte));
        }
    }

    @Test
    void anSseChunkGivesOnlyTheEventsItCompletes() {
        ToolsListFilter.SseRewriter rewriter = ToolsListFilter.sse(ID, ALLOWED);
        String first = "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\"}\r\n\r";
        // Cut inside the second event's data line: the first event is complete at the CR of its blank line.
        assertEquals(first, text(rewriter.accept(utf8(first + "\ndata: {\"jsonrpc\":"))));
        // Cut between the CR and the LF of the data line's end, then of the blank line's.
        assertEquals("", text(rewriter.accept(utf8(LISTED.substring("{\"jsonrpc\":".length()) + "\r"))));
        assertEquals("", text(rewriter.accept(utf8("\n"))));
        assertEquals("\ndata: " + FILTERED + "\r\n\r", text(rewriter.accept(utf8("\r"))));
        assertEquals("", text(rewriter.accept(utf8("\n"))));
        assertEquals("\n", text(rewriter.finish()));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void aResponseSpreadOverSeveralDataLinesBecomesOneLine() {
        String split = LISTED.replace("\"tools\":[", "\"tools\":[\ndata: ");
        String body = "event: message\nid: 7\ndata:" + split.replace("\n", "\nid: 8\n") + "\n\n";
        // The data of the event is the lines joined with LF, which JSON reads as whitespace.
        assertEquals("event: message\nid: 7\ndata: " + FILTERED + "\nid: 8\n\n", feed(ToolsListFilter.sse(ID, ALLOWED), utf8(body)));
    }

    @Test
    void anEventTheClientDoesNotReadAsAMessageIsNotTouched() {
        String body = "event: endpoint\ndata: " + LISTED + "\n\n" + "data: " + LISTED.replace("\"id\":1", "\"id\":9") + "\n\n";
        assertEquals(body, feed(ToolsListFilter.sse(ID, ALLOWED), utf8(body)));
    }

    @Test
    void aBatchInAnEventAndAFinalEventWithoutItsBlankLineAreFiltered() {
        String other = "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}";
        assertEquals("data: [" + other + "," + FILTERED + "]", feed(ToolsListFilter.sse(ID, ALLOWED), utf8("data: [" + other + "," + LISTED + "]")));
        assertEquals("data: " + FILTERED + "\n", feed(ToolsListFilter.sse(ID, ALLOWED), utf8("data:" + LISTED + "\n")));
    }

    @Test
    void aByteOrderMarkBeforeTheFirstLineIsKeptAndSkipped() {
        byte[] mark = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(mark);
        body.writeBytes(utf8("data: " + LISTED + "\n\n"));
        String expected = new String(mark, StandardCharsets.UTF_8) + "data: " + FILTERED + "\n\n";
        assertEquals(expected, feed(ToolsListFilter.sse(ID, ALLOWED), body.toByteArray(), 1, 2));
    }

    @Test
    void anEventThatNeverEndsIsRefusedPastTheLimit() {
        ToolsListFilter.SseRewriter rewriter = ToolsListFilter.sse(ID, ALLOWED);
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) 'a');
        rewriter.accept(utf8("data: "));
        InvalidInputException refused = assertThrows(InvalidInputException.class, () -> {
            for (int i = 0; i <= 64; i++) {
                rewriter.accept(chunk);
            }
        });
        assertTrue(refused.getMessage().contains("larger than 64 MiB"), refused.getMessage());
    }
}
