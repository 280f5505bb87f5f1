package io.caracal.core.llm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LlmRequestTest {
    private static final String CHAT = """
            {
              "model": "gpt-4o-2024-08-06",
              "messages": [
                {"role": "system", "content": "Réponds en français ☕"},
                {"role": "user", "content": "Quelle est la capitale de la France ?"}
              ],
              "temperature": 0.70,
              "top_p": 1e-1,
              "seed": 12345678901234567890,
              "logit_bias": {"50256": -100},
              "max_tokens": 256,
              "stream": true,
              "stream_options": {"include_obfuscation": false},
              "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {}}}}]
            }
            """;

    private static LlmRequest parse(LlmApi api, String body) {
        return LlmRequest.parse(api, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(LlmRequest request) {
        return new String(request.body(), StandardCharsets.UTF_8);
    }

    /**
     * {@link #CHAT} as a rewrite writes it: without whitespace between tokens, and with 1e-1 as 0.1, the same decimal
     * (same value and scale) in its canonical form.
     */
    private static String rewrittenChat() {
        return compact(CHAT).replace("\"top_p\":1e-1", "\"top_p\":0.1");
    }

    private static String compact(String json) {
        StringBuilder out = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '"' && (i == 0 || json.charAt(i - 1) != '\\')) {
                inString = !inString;
            }
            if (inString || !Character.isWhitespace(c)) {
                out.append(c);
            }
        }
        return out.toString();
    }

    @Test
    void readsTheFieldsTheGatewayPricesBy() {
        LlmRequest request = parse(LlmApi.OPENAI_CHAT, CHAT);
        assertEquals(LlmApi.OPENAI_CHAT, request.api());
        assertEquals("gpt-4o-2024-08-06", request.model());
        assertTrue(request.stream());
        assertEquals(OptionalLong.of(256), request.maxOutputTokens());
        assertEquals(CHAT.getBytes(StandardCharsets.UTF_8).length, request.inputTokenBound());
        assertArrayEquals(CHAT.getBytes(StandardCharsets.UTF_8), request.body(), "an untouched body passes byte for byte");
        assertFalse(request.usageInjected());
    }

    @Test
    void maxOutputTokensComesFromTheFieldOfEachApi() {
        assertEquals(OptionalLong.of(100), parse(LlmApi.OPENAI_CHAT, "{\"model\":\"o3\",\"max_tokens\":900,\"max_completion_tokens\":100}").maxOutputTokens());
        assertEquals(OptionalLong.of(900), parse(LlmApi.OPENAI_CHAT, "{\"model\":\"o3\",\"max_tokens\":900,\"max_completion_tokens\":null}").maxOutputTokens());
        assertEquals(OptionalLong.empty(), parse(LlmApi.OPENAI_CHAT, "{\"model\":\"o3\"}").maxOutputTokens());
        assertEquals(OptionalLong.of(16), parse(LlmApi.OPENAI_COMPLETIONS, "{\"model\":\"gpt-3.5-turbo-instruct\",\"prompt\":\"x\",\"max_tokens\":16}").maxOutputTokens());
        assertEquals(OptionalLong.of(1024), parse(LlmApi.ANTHROPIC_MESSAGES, "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"messages\":[]}").maxOutputTokens());
        assertEquals(OptionalLong.of(0), parse(LlmApi.ANTHROPIC_MESSAGES, "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":0}").maxOutputTokens());
        assertEquals(OptionalLong.of(500), parse(LlmApi.OPENAI_RESPONSES, "{\"model\":\"o4-mini\",\"input\":\"hi\",\"max_output_tokens\":500,\"max_tokens\":7}").maxOutputTokens());
        assertEquals(OptionalLong.empty(), parse(LlmApi.OPENAI_RESPONSES, "{\"model\":\"o4-mini\",\"max_tokens\":7}").maxOutputTokens());
        assertEquals(OptionalLong.of(0), parse(LlmApi.OPENAI_EMBEDDINGS, "{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}").maxOutputTokens());
    }

    @Test
    void streamIsOnlyTheBooleanTrue() {
        assertFalse(parse(LlmApi.OPENAI_CHAT, "{\"model\":\"m\"}").stream());
        assertFalse(parse(LlmApi.OPENAI_CHAT, "{\"model\":\"m\",\"stream\":false}").stream());
        assertFalse(parse(LlmApi.OPENAI_CHAT, "{\"model\":\"m\",\"stream\":\"true\"}").stream());
        assertTrue(parse(LlmApi.ANTHROPIC_MESSAGES, "{\"model\":\"m\",\"stream\":true}").stream());
    }

    @Test
    void withMaxOutputTokensRewritesTheFieldTheClientUsedAndKeepsEverythingElse() {
        LlmRequest capped = parse(LlmApi.OPENAI_CHAT, CHAT).withMaxOutputTokens(100);
        assertEquals(OptionalLong.of(100), capped.maxOutputTokens());
        assertEquals(rewrittenChat().replace("\"max_tokens\":256", "\"max_tokens\":100"), text(capped),
                "field order, unicode and every number (0.70 with its zero, a 20-digit integer) kept");
    }

    @Test
    void withMaxOutputTokensAddsTheFieldOfEachApiWhenTheClientSetNone() {
        assertEquals("{\"model\":\"o3\",\"messages\":[],\"max_completion_tokens\":5}",
                text(parse(LlmApi.OPENAI_CHAT, "{\"model\":\"o3\",\"messages\":[]}").withMaxOutputTokens(5)));
        assertEquals("{\"model\":\"o3\",\"max_completion_tokens\":5}",
                text(parse(LlmApi.OPENAI_CHAT, "{\"model\":\"o3\",\"max_completion_tokens\":null}").withMaxOutputTokens(5)));
        assertEquals("{\"model\":\"i\",\"prompt\":\"x\",\"max_tokens\":5}",
                text(parse(LlmApi.OPENAI_COMPLETIONS, "{\"model\":\"i\",\"prompt\":\"x\"}").withMaxOutputTokens(5)));
        assertEquals("{\"model\":\"c\",\"max_tokens\":5}", text(parse(LlmApi.ANTHROPIC_MESSAGES, "{\"model\":\"c\"}").withMaxOutputTokens(5)));
        assertEquals("{\"model\":\"r\",\"max_output_tokens\":5}", text(parse(LlmApi.OPENAI_RESPONSES, "{\"model\":\"r\"}").withMaxOutputTokens(5)));
    }

    @Test
    void withMaxOutputTokensSetsBothChatFieldsWhenTheClientSentBoth() {
        LlmRequest both = parse(LlmApi.OPENAI_CHAT, "{\"max_tokens\":900,\"model\":\"o3\",\"max_completion_tokens\":800}").withMaxOutputTokens(50);
        assertEquals("{\"max_tokens\":50,\"model\":\"o3\",\"max_completion_tokens\":50}", text(both));
    }

    @Test
    void embeddingsHaveNoOutputBoundToSet() {
        LlmRequest embedding = parse(LlmApi.OPENAI_EMBEDDINGS, "{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"]}");
        assertThrows(IllegalStateException.class, () -> embedding.withMaxOutputTokens(1));
        assertThrows(IllegalArgumentException.class, () -> parse(LlmApi.OPENAI_CHAT, CHAT).withMaxOutputTokens(-1));
    }

    @Test
    void withStreamUsageAsksForTheUsageChunkKeepingOtherStreamOptions() {
        LlmRequest asked = parse(LlmApi.OPENAI_CHAT, CHAT).withStreamUsage();
        assertTrue(asked.usageInjected());
        assertEquals(rewrittenChat().replace("{\"include_obfuscation\":false}", "{\"include_obfuscation\":false,\"include_usage\":true}"), text(asked));
        LlmRequest thenCapped = asked.withMaxOutputTokens(10);
        assertTrue(thenCapped.usageInjected(), "a later rewrite keeps the mark");
        assertTrue(text(thenCapped).contains("\"include_usage\":true"));

        LlmRequest completions = parse(LlmApi.OPENAI_COMPLETIONS, "{\"model\":\"i\",\"prompt\":\"x\",\"stream\":true}").withStreamUsage();
        assertEquals("{\"model\":\"i\",\"prompt\":\"x\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}", text(completions));
        assertTrue(completions.usageInjected());
        LlmRequest nullOptions = parse(LlmApi.OPENAI_CHAT, "{\"model\":\"m\",\"stream_options\":null,\"stream\":true}").withStreamUsage();
        assertEquals("{\"model\":\"m\",\"stream_options\":{\"include_usage\":true},\"stream\":true}", text(nullOptions));
        LlmRequest falseUsage = parse(LlmApi.OPENAI_CHAT, "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":false}}").withStreamUsage();
        assertEquals("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}", text(falseUsage));
        assertTrue(falseUsage.usageInjected());
    }

    @Test
    void withStreamUsageChangesNothingWhenUsageIsAlreadyComing() {
        for (LlmRequest request : new LlmRequest[] {
                parse(LlmApi.OPENAI_CHAT, "{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}"),
                parse(LlmApi.OPENAI_CHAT, "{\"model\":\"m\"}"),
                parse(LlmApi.OPENAI_CHAT, "{\"model\":\"m\",\"stream\":false}"),
                parse(LlmApi.ANTHROPIC_MESSAGES, "{\"model\":\"m\",\"stream\":true}"),
                parse(LlmApi.OPENAI_RESPONSES, "{\"model\":\"m\",\"stream\":true}")}) {
            LlmRequest same = request.withStreamUsage();
            assertFalse(same.usageInjected());
            assertArrayEquals(request.body(), same.body());
        }
        LlmRequest asked = parse(LlmApi.OPENAI_CHAT, "{\"model\":\"m\",\"stream\":true}").withStreamUsage();
        assertSame(asked, asked.withStreamUsage(), "asking twice asks once");
    }

    @Test
    void theBodyCannotBeChangedFromOutside() {
        byte[] body = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
        LlmRequest request = LlmRequest.parse(LlmApi.OPENAI_CHAT, body);
        body[2] = 'X';
        request.body()[3] = 'Y';
        assertEquals("{\"model\":\"m\"}", text(request));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\"model\":\"m\"", "{\"model\":\"m\"} {}", "\u00ff"})
    void aBodyThatIsNotJsonIsRefused(String body) {
        invalid(() -> parse(LlmApi.OPENAI_CHAT, body), "the request body");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"model\"", "42", "null"})
    void aBodyThatIsNotAnObjectIsRefused(String body) {
        invalid(() -> parse(LlmApi.OPENAI_CHAT, body), "the request body must be a JSON object");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"model\":null}", "{\"model\":42}", "{\"model\":[\"gpt-4o\"]}", "{\"Model\":\"gpt-4o\"}"})
    void aBodyWithoutAModelStringIsRefused(String body) {
        invalid(() -> parse(LlmApi.ANTHROPIC_MESSAGES, body), "the request body has no \"model\" string");
    }

    @Test
    void aModelNameThatIsNotANameIsRefused() {
        for (String model : new String[] {"", "   ", "gpt\n4o", "x".repeat(201)}) {
            String body = "{\"model\":" + quoted(model) + ",\"messages\":[]}";
            invalid(() -> LlmRequest.parse(LlmApi.OPENAI_CHAT, body.getBytes(StandardCharsets.UTF_8)), "\"model\" must be 1 to 200 characters");
        }
        assertEquals("x".repeat(200), LlmRequest.parse(LlmApi.OPENAI_CHAT, ("{\"model\":\"" + "x".repeat(200) + "\"}").getBytes(StandardCharsets.UTF_8)).model());
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\n", "\\n") + "\"";
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1.5", "10.0", "\"100\"", "true", "99999999999999999999", "{}"})
    void aBadOutputBoundIsRefused(String value) {
        invalid(() -> parse(LlmApi.OPENAI_CHAT, "{\"model\":\"m\",\"max_tokens\":" + value + "}"), "\"max_tokens\" must be a non-negative integer");
        invalid(() -> parse(LlmApi.OPENAI_CHAT, "{\"model\":\"m\",\"max_completion_tokens\":" + value + "}"), "\"max_completion_tokens\"");
        invalid(() -> parse(LlmApi.OPENAI_RESPONSES, "{\"model\":\"m\",\"max_output_tokens\":" + value + "}"), "\"max_output_tokens\"");
        invalid(() -> parse(LlmApi.ANTHROPIC_MESSAGES, "{\"model\":\"m\",\"max_tokens\":" + value + "}"), "\"max_tokens\"");
    }

    @Test
    void fieldsOfOtherApisAreNotChecked() {
        assertEquals(OptionalLong.empty(), parse(LlmApi.OPENAI_RESPONSES, "{\"model\":\"m\",\"max_tokens\":\"lots\"}").maxOutputTokens());
        assertEquals(OptionalLong.of(0), parse(LlmApi.OPENAI_EMBEDDINGS, "{\"model\":\"m\",\"max_tokens\":-1}").maxOutputTokens());
    }
}
