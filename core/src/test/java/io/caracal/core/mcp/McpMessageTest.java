package io.caracal.core.mcp;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.caracal.core.mcp.McpMessage.Batch;
import io.caracal.core.mcp.McpMessage.PassThrough;
import io.caracal.core.mcp.McpMessage.ResourceRead;
import io.caracal.core.mcp.McpMessage.ToolCall;
import io.caracal.core.mcp.McpMessage.ToolsList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;

class McpMessageTest {

    private static McpMessage parse(String body) {
        return McpMessage.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aToolCallNamesItsToolAndArguments() {
        McpMessage message = parse("""
                {"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_weather","arguments":{"location":"New York"}}}""");
        ToolCall call = (ToolCall) message;
        assertEquals(new IntNode(2), call.id());
        assertEquals("get_weather", call.tool());
        assertEquals("{\"location\":\"New York\"}", call.arguments().toString());
    }

    @Test
    void aToolCallWithoutArgumentsHasAnEmptyObjectAndItsIdMayBeAString() {
        ToolCall call = (ToolCall) parse("""
                {"jsonrpc":"2.0","id":"call-7","method":"tools/call","params":{"name":"ping_host","_meta":{"progressToken":1}}}""");
        assertEquals(new TextNode("call-7"), call.id());
        assertEquals("ping_host", call.tool());
        assertEquals("{}", call.arguments().toString());
    }

    @Test
    void aResourceReadNamesItsUri() {
        assertEquals(new ResourceRead(new IntNode(3), "file:///project/src/main.rs"),
                parse("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/read\",\"params\":{\"uri\":\"file:///project/src/main.rs\"}}"));
    }

    @Test
    void toolsListIsRecognisedWithOrWithoutACursor() {
        assertEquals(new ToolsList(new IntNode(1)), parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"));
        assertEquals(new ToolsList(new TextNode("a")),
                parse("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/list\",\"params\":{\"cursor\":\"next-page\"}}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":2,\"reason\":\"user\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"prompts/get\",\"params\":{\"name\":\"p\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"resources/list\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"Tools/Call\",\"params\":{\"name\":\"x\"}}",
            "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"hi\"}}}",
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32601,\"message\":\"no sampling\"}}"})
    void everythingElsePassesThrough(String body) {
        assertEquals(new PassThrough(), parse(body));
    }

    @Test
    void aBatchKeepsItsMessagesInOrder() {
        McpMessage batch = parse("""
                [{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a"}},
                 {"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1}},
                 {"jsonrpc":"2.0","id":2,"method":"tools/list"},
                 {"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"s3://bucket/key"}}]""");
        assertEquals(new Batch(List.of(
                new ToolCall(new IntNode(1), "a", JsonRpc.REQUESTS.createObjectNode()),
                new PassThrough(),
                new ToolsList(new IntNode(2)),
                new ResourceRead(new IntNode(3), "s3://bucket/key"))), batch);
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedAsSuch() {
        invalid(() -> parse("{\"jsonrpc\":\"2.0\",\"id\":1,"), "the request body is not valid JSON (line 1, column");
        invalid(() -> parse("tools/call"), "the request body is not valid JSON");
        invalid(() -> parse(""), "the request body is empty");
        invalid(() -> parse("  \n"), "the request body is empty");
        invalid(() -> McpMessage.parse(null), "the request body is empty");
    }

    @Test
    void aBodyThatOtherParsersCouldReadDifferentlyIsRefused() {
        // JSON.parse keeps the last "method", some parsers the first: the server must run what the gateway checked.
        invalid(() -> parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}"),
                "not valid JSON", "Duplicate field 'method'");
        invalid(() -> parse("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} {\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\"}"),
                "the request body holds more than one JSON value");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[]| an empty batch is not a JSON-RPC request",
            "[[{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}]]| each message of a batch must be a JSON-RPC object",
            "[1]| each message of a batch must be a JSON-RPC object",
            "\"tools/call\"| a JSON-RPC message is an object or a batch (array) of objects",
            "null| a JSON-RPC message is an object or a batch (array) of objects",
            "{\"id\":1,\"method\":\"ping\"}| \"jsonrpc\": \"2.0\" is required",
            "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}| \"jsonrpc\": \"2.0\" is required",
            "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ping\"}| \"jsonrpc\": \"2.0\" is required",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}| the JSON-RPC \"method\" must be a string",
            "{\"jsonrpc\":\"2.0\",\"id\":1}| needs a string \"method\" (a request or notification) or exactly one of \"result\" and \"error\"",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{\"code\":1,\"message\":\"m\"}}| exactly one of \"result\" and \"error\"",
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}| a JSON-RPC request id must be a string or an integer",
            "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}| a JSON-RPC request id must be a string or an integer",
            "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}| a JSON-RPC request id must be a string or an integer",
            "{\"jsonrpc\":\"2.0\",\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}| tools/call is a request: it needs an \"id\"",
            "{\"jsonrpc\":\"2.0\",\"method\":\"resources/read\",\"params\":{\"uri\":\"file:///x\"}}| resources/read is a request: it needs an \"id\"",
            "{\"jsonrpc\":\"2.0\",\"method\":\"tools/list\"}| tools/list is a request: it needs an \"id\"",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\"}| tools/call needs \"params\", an object",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":[\"x\"]}| tools/call needs \"params\", an object",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{}}| tools/call needs params.name, a non-empty string",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"\"}}| tools/call needs params.name, a non-empty string",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":3}}| tools/call needs params.name, a non-empty string",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"x\",\"arguments\":[1]}}| tools/call params.arguments must be an object",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/read\",\"params\":{\"uri\":null}}| resources/read needs params.uri, a non-empty string"})
    void aBodyThatIsNotAnMcpJsonRpcMessageIsExplained(String body, String why) {
        invalid(() -> parse(body), why);
    }

    @Test
    void parsingInTwoStepsTellsAParseErrorFromAnInvalidRequest() {
        // The adapter answers -32700 for the first and -32600 for the second.
        invalid(() -> McpMessage.json("{".getBytes(StandardCharsets.UTF_8)), "not valid JSON");
        var json = McpMessage.json("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\"}".getBytes(StandardCharsets.UTF_8));
        invalid(() -> McpMessage.of(json), "tools/call needs \"params\"");
    }
}
