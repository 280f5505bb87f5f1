package io.caracal.gateway.llm;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The harness proved without the gateway: each official SDK pointed straight at its stub decodes the content and the
 * usage the stub sent (so the stubs speak the providers' wire formats as the SDKs read them), a non-retryable error
 * reaches the caller after one request, and the official MCP client works against the MCP server script in both
 * response modes.
 */
class OfficialClientsAgainstStubsTest {
    private static final Duration SCRIPT_LIMIT = Duration.ofSeconds(30);
    private static final String KEY = "sk-test-key";

    private static JsonNode run(String script, String baseUrl, String... settings) {
        Map<String, String> env = new HashMap<>(Map.of("BASE_URL", baseUrl, "API_KEY", KEY));
        for (int i = 0; i < settings.length; i += 2) {
            env.put(settings[i], settings[i + 1]);
        }
        return NodeClients.run(script, env, SCRIPT_LIMIT);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    private static void assertChatUsage(JsonNode usage, int prompt, int cached, int completion, int reasoning) {
        assertEquals(prompt, usage.path("prompt_tokens").asInt(), usage::toString);
        assertEquals(cached, usage.path("prompt_tokens_details").path("cached_tokens").asInt(), usage::toString);
        assertEquals(completion, usage.path("completion_tokens").asInt(), usage::toString);
        assertEquals(reasoning, usage.path("completion_tokens_details").path("reasoning_tokens").asInt(), usage::toString);
        assertEquals(prompt + completion, usage.path("total_tokens").asInt(), usage::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "stream"})
    void openAiChatDecodesContentAndUsageWithCachedAndReasoningTokens(String mode) {
        try (OpenAiStub openai = new OpenAiStub().reply(new OpenAiStub.Reply(50, 20, 7, 4, true))) {
            JsonNode result = run("openai-chat.mjs", openai.baseUrl().toString(), "MODE", mode, "MODEL", "gpt-4o-mini",
                    "INCLUDE_USAGE", "true");

            assertEquals("t1 t2 t3 t4 ", result.path("content").asText(), result::toString);
            assertEquals("stop", result.path("finish_reason").asText(), result::toString);
            assertEquals("gpt-4o-mini", result.path("model").asText(), result::toString);
            assertChatUsage(result.path("usage"), 50, 20, 11, 7);
            RecordedRequest request = openai.requests().get(0);
            assertEquals("/v1/chat/completions", request.path());
            assertEquals("Bearer " + KEY, request.header("authorization"));
            assertEquals(mode.equals("stream"), request.json().path("stream").asBoolean(false), request.body());
        }
    }

    @Test
    void openAiChatStreamCarriesTheUsageChunkOnlyWhenAskedFor() {
        try (OpenAiStub openai = new OpenAiStub().reply(new OpenAiStub.Reply(30, 0, 0, 3, true))) {
            JsonNode with = run("openai-chat.mjs", openai.baseUrl().toString(), "MODE", "stream", "INCLUDE_USAGE", "true");
            JsonNode without = run("openai-chat.mjs", openai.baseUrl().toString(), "MODE", "stream");

            assertTrue(with.path("emptyChoicesChunk").asBoolean(), with::toString);
            assertChatUsage(with.path("usage"), 30, 0, 3, 0);
            assertEquals(6, with.path("chunks").asInt(), with::toString); // role, 3 tokens, finish, usage
            assertFalse(without.path("emptyChoicesChunk").asBoolean(), without::toString);
            assertTrue(without.path("usage").isNull(), without::toString);
            assertEquals("t1 t2 t3 ", without.path("content").asText(), without::toString);
            assertTrue(openai.requests().get(0).json().path("stream_options").path("include_usage").asBoolean());
            assertTrue(openai.requests().get(1).json().path("stream_options").isMissingNode(), openai.requests().get(1).body());
        }
    }

    @Test
    void openAiChatStopsAtMaxCompletionTokensOnlyWhenTheStubHonoursIt() {
        try (OpenAiStub openai = new OpenAiStub().reply(new OpenAiStub.Reply(10, 0, 1, 5, true))) {
            JsonNode honoured = run("openai-chat.mjs", openai.baseUrl().toString(), "MAX", "3");
            openai.reply(new OpenAiStub.Reply(10, 0, 1, 5, false));
            JsonNode ignored = run("openai-chat.mjs", openai.baseUrl().toString(), "MAX", "3");

            assertEquals("t1 t2 ", honoured.path("content").asText(), honoured::toString);
            assertEquals("length", honoured.path("finish_reason").asText(), honoured::toString);
            assertChatUsage(honoured.path("usage"), 10, 0, 3, 1);
            assertEquals(3, openai.requests().get(0).json().path("max_completion_tokens").asInt(), openai.requests().get(0).body());
            assertEquals("t1 t2 t3 t4 t5 ", ignored.path("content").asText(), ignored::toString);
            assertChatUsage(ignored.path("usage"), 10, 0, 6, 1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "stream"})
    void openAiResponsesDecodesContentAndUsage(String mode) {
        try (OpenAiStub openai = new OpenAiStub().reply(new OpenAiStub.Reply(40, 32, 5, 3, true))) {
            JsonNode result = run("openai-responses.mjs", openai.baseUrl().toString(), "MODE", mode);

            assertEquals("t1 t2 t3 ", result.path("content").asText(), result::toString);
            assertEquals("completed", result.path("status").asText(), result::toString);
            JsonNode usage = result.path("usage");
            assertEquals(40, usage.path("input_tokens").asInt(), usage::toString);
            assertEquals(32, usage.path("input_tokens_details").path("cached_tokens").asInt(), usage::toString);
            assertEquals(8, usage.path("output_tokens").asInt(), usage::toString);
            assertEquals(5, usage.path("output_tokens_details").path("reasoning_tokens").asInt(), usage::toString);
            assertEquals(48, usage.path("total_tokens").asInt(), usage::toString);
            assertEquals("/v1/responses", openai.requests().get(0).path());
        }
    }

    @Test
    void openAiResponsesStreamEndsIncompleteAtMaxOutputTokens() {
        try (OpenAiStub openai = new OpenAiStub().reply(new OpenAiStub.Reply(9, 0, 0, 6, true))) {
            JsonNode result = run("openai-responses.mjs", openai.baseUrl().toString(), "MODE", "stream", "MAX", "4");

            assertEquals("response.incomplete", result.path("terminalEvent").asText(), result::toString);
            assertEquals("incomplete", result.path("status").asText(), result::toString);
            assertEquals("t1 t2 t3 t4 ", result.path("content").asText(), result::toString);
            assertEquals(4, result.path("usage").path("output_tokens").asInt(), result::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "stream"})
    void anthropicDecodesContentAndUsageWithCacheReadsAndWrites(String mode) {
        try (AnthropicStub anthropic = new AnthropicStub().reply(new AnthropicStub.Reply(25, 100, 30, 10, 4, true))) {
            JsonNode result = run("anthropic-messages.mjs", anthropic.baseUrl().toString(), "MODE", mode, "MAX", "64");

            assertEquals("t1 t2 t3 t4 ", result.path("content").asText(), result::toString);
            assertEquals("end_turn", result.path("stop_reason").asText(), result::toString);
            JsonNode usage = result.path("usage");
            assertEquals(25, usage.path("input_tokens").asInt(), usage::toString);
            assertEquals(100, usage.path("cache_read_input_tokens").asInt(), usage::toString);
            assertEquals(40, usage.path("cache_creation_input_tokens").asInt(), usage::toString);
            assertEquals(30, usage.path("cache_creation").path("ephemeral_5m_input_tokens").asInt(), usage::toString);
            assertEquals(10, usage.path("cache_creation").path("ephemeral_1h_input_tokens").asInt(), usage::toString);
            assertEquals(4, usage.path("output_tokens").asInt(), usage::toString);
            RecordedRequest request = anthropic.requests().get(0);
            assertEquals("/v1/messages", request.path());
            // The 1.x SDK sends its apiKey as a bearer token, not in x-api-key.
            assertEquals("Bearer " + KEY, request.header("authorization"));
            assertEquals(64, request.json().path("max_tokens").asInt(), request.body());
        }
    }

    @ParameterizedTest
    @EnumSource(AnthropicStub.DeltaUsage.class)
    void anthropicStreamReportsOutputTokensInMessageStartThenCumulativelyInMessageDelta(AnthropicStub.DeltaUsage deltaUsage) {
        try (AnthropicStub anthropic = new AnthropicStub().reply(new AnthropicStub.Reply(25, 5, 0, 0, 6, true)).deltaUsage(deltaUsage)) {
            JsonNode result = run("anthropic-messages.mjs", anthropic.baseUrl().toString(), "MODE", "stream", "MAX", "4");

            assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_delta",
                    "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"),
                    texts(result.path("events")), result::toString);
            assertEquals(1, result.path("startUsage").path("output_tokens").asInt(), result::toString);
            assertEquals(25, result.path("startUsage").path("input_tokens").asInt(), result::toString);
            assertEquals(4, result.path("deltaUsage").path("output_tokens").asInt(), result::toString);
            assertEquals(deltaUsage == AnthropicStub.DeltaUsage.CUMULATIVE, result.path("deltaUsage").path("input_tokens").isInt(), result::toString);
            assertEquals("max_tokens", result.path("stop_reason").asText(), result::toString);
            assertEquals(5, result.path("usage").path("cache_read_input_tokens").asInt(), result::toString);
        }
    }

    @Test
    void aNonRetryableOpenAiRateLimitReachesTheCallerAfterOneRequest() {
        try (OpenAiStub openai = new OpenAiStub()) {
            openai.failWith(429, "requests", "rate_limit_exceeded", "Budget exhausted", Map.of("x-should-retry", "false"));
            JsonNode error = run("openai-chat.mjs", openai.baseUrl().toString()).path("error");

            assertEquals("RateLimitError", error.path("class").asText(), error::toString);
            assertEquals(429, error.path("status").asInt(), error::toString);
            assertEquals("requests", error.path("type").asText(), error::toString);
            assertEquals("rate_limit_exceeded", error.path("code").asText(), error::toString);
            assertTrue(error.path("message").asText().contains("Budget exhausted"), error::toString);
            assertEquals(1, openai.requests().size());
        }
    }

    @Test
    void aNonRetryableAnthropicRateLimitReachesTheCallerAfterOneRequest() {
        try (AnthropicStub anthropic = new AnthropicStub()) {
            anthropic.failWith(429, "rate_limit_error", "Budget exhausted", Map.of("x-should-retry", "false"));
            JsonNode error = run("anthropic-messages.mjs", anthropic.baseUrl().toString(), "MODE", "stream").path("error");

            assertEquals("RateLimitError", error.path("class").asText(), error::toString);
            assertEquals(429, error.path("status").asInt(), error::toString);
            assertEquals("rate_limit_error", error.path("type").asText(), error::toString);
            assertTrue(error.path("message").asText().contains("Budget exhausted"), error::toString);
            assertEquals(1, anthropic.requests().size());
        }
    }

    @Test
    void aPathTheProviderDoesNotHaveIsRefusedInItsErrorShape() throws Exception {
        try (OpenAiStub openai = new OpenAiStub(); AnthropicStub anthropic = new AnthropicStub()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> openAiAnswer = http.send(HttpRequest.newBuilder(URI.create(openai.baseUrl() + "/embeddings"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> anthropicAnswer = http.send(HttpRequest.newBuilder(URI.create(anthropic.baseUrl() + "/v1/complete"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(404, openAiAnswer.statusCode());
            assertEquals("unknown_url", StubUpstream.JSON.readTree(openAiAnswer.body()).path("error").path("code").asText(), openAiAnswer.body());
            assertEquals(404, anthropicAnswer.statusCode());
            assertEquals("not_found_error", StubUpstream.JSON.readTree(anthropicAnswer.body()).path("error").path("type").asText(), anthropicAnswer.body());
            assertEquals("/v1/complete", anthropic.requests().get(0).path());
        }
    }

    @Test
    void aPausedStreamHoldsTheClientUntilReleased() throws Exception {
        try (OpenAiStub openai = new OpenAiStub().reply(new OpenAiStub.Reply(10, 0, 0, 4, true))) {
            StubUpstream.Pause pause = openai.pauseStreamsAfter(2);
            CompletableFuture<JsonNode> result = CompletableFuture.supplyAsync(
                    () -> run("openai-chat.mjs", openai.baseUrl().toString(), "MODE", "stream", "INCLUDE_USAGE", "true"));

            assertTrue(pause.awaitReached(SCRIPT_LIMIT), "the stream never reached its pause");
            assertFalse(result.isDone(), "the client finished while its stream was held");
            pause.release();
            JsonNode done = result.get(SCRIPT_LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("t1 t2 t3 t4 ", done.path("content").asText(), done::toString);
            assertChatUsage(done.path("usage"), 10, 0, 4, 0);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theMcpClientListsCallsAndReadsFromTheMcpServer(boolean jsonResponse) {
        try (NodeMcpServer server = NodeClients.startMcpServer(jsonResponse)) {
            JsonNode result = NodeClients.run("mcp-client.mjs", Map.of("MCP_URL", server.url().toString(), "API_KEY", KEY,
                    "CALLS", "[{\"name\":\"search\",\"arguments\":{\"query\":\"caracal\"}}]",
                    "RESOURCE", NodeMcpServer.README_URI), SCRIPT_LIMIT);

            assertEquals(NodeMcpServer.TOOLS, texts(result.path("tools")), result::toString);
            JsonNode call = result.path("calls").path(0);
            assertEquals("results for caracal", call.path("content").path(0).path("text").asText(), result::toString);
            assertFalse(call.path("isError").asBoolean(), result::toString);
            assertEquals(NodeMcpServer.README_TEXT, result.path("resource").path(0).path("text").asText(), result::toString);
            assertEquals(List.of("search"), server.executedTools(), server.log());

            JsonNode missing = NodeClients.run("mcp-client.mjs", Map.of("MCP_URL", server.url().toString(), "API_KEY", KEY,
                    "RESOURCE", "file:///docs/missing.txt"), SCRIPT_LIMIT).path("resource").path("error");
            assertEquals("McpError", missing.path("class").asText(), missing::toString);
            assertEquals(-32602, missing.path("code").asInt(), missing::toString);
        }
    }
}
