package io.caracal.gateway.llm;

import com.fasterxml.jackson.databind.JsonNode;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.pricing.PriceDraft;
import io.caracal.core.pricing.PricebookStore;
import io.caracal.core.receipt.Receipt;
import io.caracal.core.receipt.ReceiptKeyStore;
import io.caracal.core.receipt.ReceiptVerifier;
import io.caracal.gateway.GatewayFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official OpenAI and Anthropic SDKs, unmodified but for their base URL and key, through the gateway to stubs
 * that speak each provider's wire format: every call is charged the provider's reported usage at the pricebook's
 * prices, to the last decimal (the expected amounts are worked out by hand in each test), streams included; a
 * budget that cannot pay for the requested output clamps it, a stream that runs past its hold is cut there, and a
 * denial reaches the SDK as its own error type.
 */
class GatewayLlmPricingTest {
    private static final Duration SCRIPT_LIMIT = Duration.ofSeconds(60);
    private static GatewayFixture f;
    private static OpenAiStub openai;
    private static AnthropicStub anthropic;

    @BeforeAll
    static void start() throws Exception {
        openai = new OpenAiStub();
        anthropic = new AnthropicStub();
        f = new GatewayFixture("gateway_llm", Map.of(
                "caracal.gateway.upstreams.openai.url", openai.baseUrl().toString(),
                "caracal.gateway.upstreams.openai.type", "openai",
                "caracal.gateway.upstreams.openai.headers.Authorization", "Bearer sk-upstream-openai",
                "caracal.gateway.upstreams.anthropic.url", anthropic.baseUrl().toString(),
                "caracal.gateway.upstreams.anthropic.type", "anthropic",
                "caracal.gateway.upstreams.anthropic.headers.x-api-key", "sk-upstream-anthropic"));
        // Per million tokens; "request" per call. Made-up prices, chosen so each class shows in the sums.
        price("gpt-test", Map.of("input", "2.50", "cached_input", "1.25", "output", "10.00", "reasoning", "12.00", "request", "0.0001"));
        price("claude-test", Map.of("input", "3.00", "cached_input", "0.30", "cache_write_5m", "3.75", "cache_write_1h", "6.00", "output", "15.00"));
        price("output-only", Map.of("input", "0", "output", "10.00"));
    }

    @AfterAll
    static void stop() {
        f.close();
        openai.close();
        anthropic.close();
    }

    private static void price(String model, Map<String, String> classes) {
        List<PriceDraft> drafts = new ArrayList<>();
        classes.forEach((name, amount) -> drafts.add(new PriceDraft("llm:" + model + ":" + name,
                new Money(new BigDecimal(amount), new CurrencyCode("USD")), null)));
        f.gateway.getBean(PricebookStore.class).importAll(drafts);
    }

    private static JsonNode run(String script, String baseUrl, GatewayFixture.Caller caller, String... settings) {
        Map<String, String> env = new HashMap<>(Map.of("BASE_URL", baseUrl, "API_KEY", caller.key()));
        for (int i = 0; i < settings.length; i += 2) {
            env.put(settings[i], settings[i + 1]);
        }
        return NodeClients.run(script, env, SCRIPT_LIMIT);
    }

    private static String openAiBase() {
        return f.base + "/openai";
    }

    private static String anthropicBase() {
        return f.base + "/anthropic";
    }

    /** A chat completion by hand, where the test needs the raw answer (headers, SSE comments, the connection). */
    private static <T> HttpResponse<T> postChat(GatewayFixture.Caller caller, String body, HttpResponse.BodyHandler<T> handler) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(openAiBase() + "/chat/completions"))
                .header("Authorization", "Bearer " + caller.key()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), handler);
    }

    private static RecordedRequest last(StubUpstream stub) {
        List<RecordedRequest> requests = stub.requests();
        return requests.get(requests.size() - 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "stream"})
    void openAiChatIsChargedItsReportedUsageIncludingCachedAndReasoningTokens(String mode) {
        GatewayFixture.Caller caller = f.caller("10.00");
        // 1,200 prompt tokens of which 200 cached; 80 completion tokens of which 30 reasoning. Dated model name.
        openai.reply(new OpenAiStub.Reply(1200, 200, 30, 50, true));

        JsonNode result = run("openai-chat.mjs", openAiBase(), caller, "MODE", mode, "MODEL", "gpt-test-2025-01-31");

        assertFalse(result.has("error"), result::toString);
        assertEquals(50, result.path("content").asText().split(" ").length, result::toString);
        // (1000 × 2.50 + 200 × 1.25 + 50 × 10.00 + 30 × 12.00) / 10^6 + 0.0001 = 0.00361 + 0.0001
        assertEquals(new BigDecimal("0.003710000"), f.spent(caller));
        RecordedRequest forwarded = last(openai);
        assertEquals("Bearer sk-upstream-openai", forwarded.header("authorization"), "the upstream's key, never the agent's");
        assertEquals("identity", forwarded.header("accept-encoding"), "the answer must come uncompressed to be read (the SDK asks for gzip)");
        assertEquals(4096, forwarded.json().path("max_completion_tokens").asLong(), "no bound given: the default is set, so the hold bounds the cost");
        if (mode.equals("stream")) {
            assertTrue(forwarded.json().path("stream_options").path("include_usage").asBoolean(), forwarded.body());
            // The client did not ask for usage: the chunk the gateway asked for is not passed on.
            assertFalse(result.path("emptyChoicesChunk").asBoolean(), result::toString);
            assertTrue(result.path("usage").isNull(), result::toString);
        } else {
            assertEquals(1200, result.path("usage").path("prompt_tokens").asInt(), result::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "stream"})
    void openAiResponsesApiIsChargedItsReportedUsage(String mode) {
        GatewayFixture.Caller caller = f.caller("10.00");
        openai.reply(new OpenAiStub.Reply(1200, 200, 30, 50, true));

        JsonNode result = run("openai-responses.mjs", openAiBase(), caller, "MODE", mode, "MODEL", "gpt-test", "MAX", "500");

        assertFalse(result.has("error"), result::toString);
        assertEquals(1200, result.path("usage").path("input_tokens").asInt(), result::toString);
        assertEquals(new BigDecimal("0.003710000"), f.spent(caller));
        assertEquals(500, last(openai).json().path("max_output_tokens").asLong());
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "stream"})
    void anthropicMessagesAreChargedWithCacheReadsAndBothCacheWrites(String mode) {
        GatewayFixture.Caller caller = f.caller("10.00");
        anthropic.reply(new AnthropicStub.Reply(1000, 2000, 500, 100, 40, true));

        JsonNode result = run("anthropic-messages.mjs", anthropicBase(), caller, "MODE", mode, "MODEL", "claude-test", "MAX", "1024");

        assertFalse(result.has("error"), result::toString);
        assertEquals(40, result.path("usage").path("output_tokens").asInt(), result::toString);
        // (1000 × 3.00 + 2000 × 0.30 + 500 × 3.75 + 100 × 6.00 + 40 × 15.00) / 10^6
        assertEquals(new BigDecimal("0.006675000"), f.spent(caller));
        RecordedRequest forwarded = last(anthropic);
        assertEquals("sk-upstream-anthropic", forwarded.header("x-api-key"));
        assertEquals(null, forwarded.header("authorization"), "the agent's key does not reach the provider");
    }

    @Test
    void aBudgetThatPaysForOnly100OutputTokensClampsTheRequestTo100() {
        // 100 output tokens at 10.00 per million cost exactly 0.001; input is free for this model.
        GatewayFixture.Caller caller = f.caller("0.001");
        openai.reply(new OpenAiStub.Reply(20, 0, 0, 300, true));

        JsonNode result = run("openai-chat.mjs", openAiBase(), caller, "MODE", "json", "MODEL", "output-only", "MAX", "1000");

        assertFalse(result.has("error"), result::toString);
        assertEquals(100, last(openai).json().path("max_completion_tokens").asLong(), last(openai).body());
        assertEquals("length", result.path("finish_reason").asText(), result::toString);
        assertEquals(new BigDecimal("0.001000000"), f.spent(caller));
    }

    @Test
    void aStreamThatRunsPastItsHoldIsCutThereAndChargedTheHold() {
        GatewayFixture.Caller caller = f.caller("10.00");
        // An upstream that ignores max_completion_tokens and would send 300 tokens.
        openai.reply(new OpenAiStub.Reply(20, 0, 0, 300, false));

        JsonNode result = run("openai-chat.mjs", openAiBase(), caller, "MODE", "stream", "MODEL", "output-only", "MAX", "100");

        assertFalse(result.has("error"), "the stream ends cleanly: " + result);
        int received = result.path("content").asText().split(" ").length;
        assertEquals(100, received, "cut exactly at the 100 tokens held");
        // Nothing reported its usage before the cut: the hold is charged, 100 × 10.00 / 10^6.
        assertEquals(new BigDecimal("0.001000000"), f.spent(caller));
    }

    @Test
    void aDenialRaisesTheOpenAiSdksOwnErrorWithTheBudgetMessageAndIsNotRetried() {
        GatewayFixture.Caller caller = f.caller("0.000001");
        int before = openai.requests().size();

        JsonNode result = run("openai-chat.mjs", openAiBase(), caller, "MODE", "json", "MODEL", "gpt-test", "MAX", "1000");

        JsonNode error = result.path("error");
        assertEquals("RateLimitError", error.path("class").asText(), result::toString);
        assertEquals(429, error.path("status").asInt(), result::toString);
        assertEquals("insufficient_quota", error.path("type").asText(), result::toString);
        assertEquals("budget_exceeded", error.path("code").asText(), result::toString);
        assertTrue(error.path("message").asText().toLowerCase().contains("budget"), result::toString);
        assertEquals(before, openai.requests().size(), "a denied call never reaches the provider");
        assertEquals(0, f.spent(caller).signum());
    }

    @Test
    void aDenialReachesTheAnthropicSdkAsItsRateLimitError() {
        GatewayFixture.Caller caller = f.caller("0.000001");

        JsonNode result = run("anthropic-messages.mjs", anthropicBase(), caller, "MODE", "json", "MODEL", "claude-test", "MAX", "1024");

        assertEquals("RateLimitError", result.path("error").path("class").asText(), result::toString);
        assertTrue(result.path("error").path("message").asText().toLowerCase().contains("budget"), result::toString);
    }

    @Test
    void aStreamsChargeFollowsItsLastEventAsSseComments() throws Exception {
        GatewayFixture.Caller caller = f.caller("10.00");
        openai.reply(new OpenAiStub.Reply(1200, 200, 30, 50, true));
        String body = "{\"model\":\"gpt-test\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        HttpResponse<String> response = postChat(caller, body, HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        String text = response.body();
        int done = text.indexOf("data: [DONE]");
        assertTrue(done > 0, text);
        assertTrue(text.substring(done).contains(": X-Caracal-Charged: 0.00371\n"), text.substring(done));
        assertTrue(text.substring(done).contains(": X-Caracal-Remaining-Budget: 9.99629"), text.substring(done));
        assertTrue(text.substring(done).contains(": X-Caracal-Receipt: "), "the receipt follows the stream too: " + text.substring(done));
        assertFalse(text.contains("\"choices\":[]"), "the usage chunk the client did not ask for is dropped");
    }

    @Test
    void aChargedAnswerCarriesASignedReceiptNamingItsPriceVersion() throws Exception {
        GatewayFixture.Caller caller = f.caller("10.00");
        openai.reply(new OpenAiStub.Reply(1200, 200, 30, 50, true));
        String body = "{\"model\":\"gpt-test-2025-01-31\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        HttpResponse<String> response = postChat(caller, body, HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("0.00371", response.headers().firstValue("X-Caracal-Charged").orElseThrow());
        ReceiptKeyStore keys = f.gateway.getBean(ReceiptKeyStore.class);
        Receipt receipt = ReceiptVerifier.verify(response.headers().firstValue("X-Caracal-Receipt").orElseThrow(), keys::find);
        assertEquals(response.headers().firstValue("X-Caracal-Event-ID").orElseThrow(), receipt.eventId().toString());
        assertEquals(caller.agent().id(), receipt.agentId());
        assertEquals(new BigDecimal("0.003710000"), receipt.amount().amount());
        assertTrue(receipt.priceVersion().startsWith("gpt-test@"), receipt.priceVersion());
    }

    @Test
    void aClientThatLeavesMidStreamIsChargedTheHoldWhenNoUsageWasReportedYet() throws Exception {
        GatewayFixture.Caller caller = f.caller("10.00");
        openai.reply(new OpenAiStub.Reply(20, 0, 0, 50, true));
        StubUpstream.Pause pause = openai.pauseStreamsAfter(3);
        try {
            String body = "{\"model\":\"output-only\",\"stream\":true,\"max_completion_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            HttpResponse<java.io.InputStream> response = postChat(caller, body, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            try (java.io.InputStream events = response.body()) {
                assertTrue(events.read(new byte[16]) > 0, "the stream had begun");
                assertTrue(pause.awaitReached(Duration.ofSeconds(10)));
            }
            // Settled while the upstream is still paused, before it could report any usage: the hold, 100 × 10.00 / 10^6.
            BigDecimal spent = io.caracal.testing.Await.until(Duration.ofSeconds(10), () -> f.spent(caller), amount -> amount.signum() > 0);
            assertEquals(new BigDecimal("0.001000000"), spent);
        } finally {
            pause.release();
        }
    }

    @Test
    void aModelWithoutAPriceIsRefusedInTheProvidersShapeWithoutCallingIt() {
        GatewayFixture.Caller caller = f.caller("10.00");
        int before = openai.requests().size();

        JsonNode result = run("openai-chat.mjs", openAiBase(), caller, "MODE", "json", "MODEL", "unpriced-model");

        assertEquals("BadRequestError", result.path("error").path("class").asText(), result::toString);
        assertTrue(result.path("error").path("message").asText().contains("unpriced-model"), result::toString);
        assertEquals(before, openai.requests().size());
    }
}
