package io.caracal.core.mcp;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.caracal.core.error.InvalidInputException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One POST body to an MCP server, classified by what the gateway does with it. Streamable HTTP carries one
 * JSON-RPC message per POST (MCP 2025-06-18), or a batch of them (2025-03-26 only).
 */
public sealed interface McpMessage {
    /** {@code tools/call}: checked against the allowlist, priced, held and settled. */
    record ToolCall(JsonNode id, String tool, JsonNode arguments) implements McpMessage {
    }

    /** {@code resources/read}: checked against the allowlist and priced by the resource's type and size. */
    record ResourceRead(JsonNode id, String uri) implements McpMessage {
    }

    /** {@code tools/list}: forwarded, and the answer shows only the tools the agent may call. */
    record ToolsList(JsonNode id) implements McpMessage {
    }

    /** Anything else (initialize, notifications, the client's responses, ping, prompts/*, resources/list ...). */
    record PassThrough() implements McpMessage {
    }

    /** A JSON-RPC batch: the messages in their order. */
    record Batch(List<McpMessage> messages) implements McpMessage {
        public Batch {
            messages = List.copyOf(messages);
        }
    }

    /**
     * Classifies a POST body. A body that is not JSON-RPC 2.0 is refused with an InvalidInputException saying
     * why: {@link #json} for one that is not JSON (answer -32700), {@link #of} for one that is not JSON-RPC (-32600).
     */
    static McpMessage parse(byte[] body) {
        return of(json(body));
    }

    /**
     * The body as JSON. Refused as well: a key given twice or anything after the value, which parsers read
     * differently, so the server could run another method or tool than the one the gateway checked.
     */
    static JsonNode json(byte[] body) {
        String empty = "the request body is empty: an MCP request is a JSON-RPC message";
        if (body == null) {
            throw new InvalidInputException(empty);
        }
        try (JsonParser parser = JsonRpc.REQUESTS.createParser(body)) {
            JsonNode json = JsonRpc.REQUESTS.readTree(parser);
            if (json == null || json.isMissingNode()) {
                throw new InvalidInputException(empty);
            }
            if (parser.nextToken() != null) {
                throw new InvalidInputException("the request body holds more than one JSON value");
            }
            return json;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidInputException("the request body is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")") + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInputException("the request body is not valid JSON");
        }
    }

    /** Classifies a JSON value: a JSON-RPC 2.0 object, or a non-empty batch of them. */
    static McpMessage of(JsonNode json) {
        if (json.isArray()) {
            if (json.isEmpty()) {
                throw new InvalidInputException("an empty batch is not a JSON-RPC request");
            }
            List<McpMessage> messages = new ArrayList<>();
            for (JsonNode element : json) {
                if (!element.isObject()) {
                    throw new InvalidInputException("each message of a batch must be a JSON-RPC object");
                }
                messages.add(one(element));
            }
            return new Batch(messages);
        }
        if (!json.isObject()) {
            throw new InvalidInputException("a JSON-RPC message is an object or a batch (array) of objects");
        }
        return one(json);
    }

    private static McpMessage one(JsonNode message) {
        if (!"2.0".equals(message.path("jsonrpc").textValue())) {
            throw new InvalidInputException("not a JSON-RPC 2.0 message: \"jsonrpc\": \"2.0\" is required");
        }
        if (!message.has("method")) {
            if (message.has("result") == message.has("error")) {
                throw new InvalidInputException("a JSON-RPC message needs a string \"method\" (a request or notification)"
                        + " or exactly one of \"result\" and \"error\" (a response)");
            }
            return new PassThrough();
        }
        JsonNode method = message.get("method");
        if (!method.isTextual()) {
            throw new InvalidInputException("the JSON-RPC \"method\" must be a string");
        }
        JsonNode id = message.get("id");
        if (id != null && !id.isTextual() && !id.isIntegralNumber()) {
            throw new InvalidInputException("a JSON-RPC request id must be a string or an integer (MCP allows no null id)");
        }
        String name = method.textValue();
        return switch (name) {
            case "tools/call" -> {
                JsonNode requestId = requestId(id, name);
                JsonNode params = params(message, name);
                yield new ToolCall(requestId, text(params, "name", name), arguments(params));
            }
            case "resources/read" -> new ResourceRead(requestId(id, name), text(params(message, name), "uri", name));
            case "tools/list" -> new ToolsList(requestId(id, name));
            default -> new PassThrough();
        };
    }

    /** A notification gets no answer, so it could not be refused or charged: the methods the gateway checks need an id. */
    private static JsonNode requestId(JsonNode id, String method) {
        if (id == null) {
            throw new InvalidInputException(method + " is a request: it needs an \"id\"");
        }
        return id;
    }

    private static JsonNode params(JsonNode message, String method) {
        JsonNode params = message.get("params");
        if (params == null || !params.isObject()) {
            throw new InvalidInputException(method + " needs \"params\", an object");
        }
        return params;
    }

    private static String text(JsonNode params, String field, String method) {
        JsonNode value = params.get(field);
        if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
            throw new InvalidInputException(method + " needs params." + field + ", a non-empty string");
        }
        return value.textValue();
    }

    /** The tool's arguments; absent ones are an empty object, as the tool receives them. */
    private static JsonNode arguments(JsonNode params) {
        JsonNode arguments = params.get("arguments");
        if (arguments == null) {
            return JsonRpc.REQUESTS.createObjectNode();
        }
        if (!arguments.isObject()) {
            throw new InvalidInputException("tools/call params.arguments must be an object");
        }
        return arguments;
    }
}
