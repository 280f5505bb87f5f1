package io.caracal.core.llm;

import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SseMeterTest {
    private static final String CHUNK = "{\"id\":\"chatcmpl-AQ9MdrDK1Gh3HXUZfP2dmQqWv0r8B\",\"object\":\"chat.completion.chunk\",\"created\":1730819947,"
            + "\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_159d8341cc\",";
    private static final String USAGE_EVENT = "data: " + CHUNK + "\"choices\":[],\"usage\":{\"prompt_tokens\":1117,\"completion_tokens\":46,"
            + "\"total_tokens\":1163,\"prompt_tokens_details\":{\"cached_tokens\":1024,\"audio_tokens\":0},\"completion_tokens_details\":"
            + "{\"reasoning_tokens\":0,\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},\"obfuscation\":\"\"}\n\n";
    /** An OpenAI chat stream whose client asked for usage: three events carry generated text, the last chunk carries usage. */
    static final String CHAT = ""
            + "data: " + CHUNK + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"Jd4\"}\n\n"
            + "data: " + CHUNK + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Paris\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"a\"}\n\n"
            + "data: " + CHUNK + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" — café ☕ à côté\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"
            + "data: " + CHUNK + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_DdmO9pD3xa9XTPNJ32zg2hcA\",\"type\":\"function\","
            + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"
            + "data: " + CHUNK + "\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"location\\\":\\\"Paris\\\"}\"}}]},"
            + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n"
            + "data: " + CHUNK + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],\"usage\":null}\n\n"
            + USAGE_EVENT
            + "data: [DONE]\n\n";
    static final TokenUsage CHAT_USAGE = new TokenUsage(93, 1024, 0, 0, 46, 0);

    private static final String RESPONSE = "\"id\":\"resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654\",\"object\":\"response\",\"created_at\":1741290958,"
            + "\"model\":\"o4-mini-2025-04-16\",\"output\":[],\"reasoning\":{\"effort\":\"medium\",\"summary\":\"auto\"},\"temperature\":1.0";
    /** An OpenAI responses stream: reasoning summary, text and a function call's arguments, usage in response.completed. */
    static final String RESPONSES = ""
            + "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{" + RESPONSE + ",\"status\":\"in_progress\",\"usage\":null}}\n\n"
            + "event: response.in_progress\ndata: {\"type\":\"response.in_progress\",\"sequence_number\":1,\"response\":{" + RESPONSE + ",\"status\":\"in_progress\",\"usage\":null}}\n\n"
            + "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"sequence_number\":2,\"output_index\":0,\"item\":{\"id\":\"rs_1\",\"type\":\"reasoning\",\"summary\":[]}}\n\n"
            + "event: response.reasoning_summary_text.delta\ndata: {\"type\":\"response.reasoning_summary_text.delta\",\"sequence_number\":3,\"item_id\":\"rs_1\",\"output_index\":0,\"summary_index\":0,\"delta\":\"**Répondre**\",\"obfuscation\":\"x\"}\n\n"
            + "event: response.reasoning_summary_text.done\ndata: {\"type\":\"response.reasoning_summary_text.done\",\"sequence_number\":4,\"item_id\":\"rs_1\",\"output_index\":0,\"summary_index\":0,\"text\":\"**Répondre**\"}\n\n"
            + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":5,\"item_id\":\"msg_1\",\"output_index\":1,\"content_index\":0,\"delta\":\"Bonjour ☕\",\"logprobs\":[]}\n\n"
            + "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":6,\"item_id\":\"msg_1\",\"output_index\":1,\"content_index\":0,\"delta\":\"\",\"logprobs\":[]}\n\n"
            + "event: response.output_text.done\ndata: {\"type\":\"response.output_text.done\",\"sequence_number\":7,\"item_id\":\"msg_1\",\"output_index\":1,\"content_index\":0,\"text\":\"Bonjour ☕\",\"logprobs\":[]}\n\n"
            + "event: response.function_call_arguments.delta\ndata: {\"type\":\"response.function_call_arguments.delta\",\"sequence_number\":8,\"item_id\":\"fc_1\",\"output_index\":2,\"delta\":\"{\\\"city\\\":\"}\n\n"
            + "event: response.function_call_arguments.delta\ndata: {\"type\":\"response.function_call_arguments.delta\",\"sequence_number\":9,\"item_id\":\"fc_1\",\"output_index\":2,\"delta\":\"\\\"Paris\\\"}\"}\n\n"
            + "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":10,\"response\":{" + RESPONSE + ",\"status\":\"completed\","
            + "\"usage\":{\"input_tokens\":2006,\"input_tokens_details\":{\"cached_tokens\":1920},\"output_tokens\":1035,\"output_tokens_details\":{\"reasoning_tokens\":832},\"total_tokens\":3041}}}\n\n";
    static final TokenUsage RESPONSES_USAGE = new TokenUsage(86, 1920, 0, 0, 203, 832);

    /** An Anthropic stream with thinking, text and a tool call, reading and writing the prompt cache. */
    static final String ANTHROPIC = ""
            + "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_019Q1hrJbZG26Fb9BQhrkHEr\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":21,"
            + "\"cache_creation_input_tokens\":1876,\"cache_read_input_tokens\":12044,\"cache_creation\":{\"ephemeral_5m_input_tokens\":1500,"
            + "\"ephemeral_1h_input_tokens\":376},\"output_tokens\":1,\"service_tier\":\"standard\"}}}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n"
            + "event: ping\ndata: {\"type\": \"ping\"}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Météo demandée…\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds\"}}\n\n"
            + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Je regarde\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\" la météo à Paris ☀\"}}\n\n"
            + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01NRLabsLyVHZPKxbKvkfSMn\",\"name\":\"get_weather\",\"input\":{}}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n"
            + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"location\\\": \\\"Paris\\\"}\"}}\n\n"
            + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":2}\n\n"
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":393}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    static final TokenUsage ANTHROPIC_USAGE = new TokenUsage(21, 12044, 1500, 376, 393, 0);

    private record Run(byte[] out, Optional<TokenUsage> usage, long generated) {
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Feeds {@code stream} cut at {@code cuts}, returning everything sent on (finish() included) and the meter's readings. */
    private static Run run(LlmApi api, boolean drop, byte[] stream, int... cuts) {
        SseMeter meter = SseMeter.of(api, drop);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        for (int cut : cuts) {
            out.writeBytes(meter.accept(Arrays.copyOfRange(stream, from, cut)));
            from = cut;
        }
        out.writeBytes(meter.accept(Arrays.copyOfRange(stream, from, stream.length)));
        out.writeBytes(meter.finish());
        return new Run(out.toByteArray(), meter.usage(), meter.generatedTokensAtLeast());
    }

    private static String withLineEnding(String stream, String ending) {
        return stream.replace("\n", ending);
    }

    /** Every way of cutting the stream in two, and byte by byte, in every line ending, gives the same bytes and readings. */
    private static void assertSameWhereverCut(LlmApi api, boolean drop, String stream, String expected, TokenUsage usage, long generated) {
        for (String ending : List.of("\n", "\r\n", "\r")) {
            byte[] in = bytes(withLineEnding(stream, ending));
            byte[] want = bytes(withLineEnding(expected, ending));
            Run whole = run(api, drop, in);
            assertArrayEquals(want, whole.out(), "line ending " + ending.replace("\r", "\\r").replace("\n", "\\n"));
            assertEquals(Optional.of(usage), whole.usage());
            assertEquals(generated, whole.generated());
            for (int cut = 0; cut <= in.length; cut++) {
                Run split = run(api, drop, in, cut);
                assertArrayEquals(want, split.out(), "cut at " + cut);
                assertEquals(whole.usage(), split.usage(), "cut at " + cut);
                assertEquals(generated, split.generated(), "cut at " + cut);
            }
            int[] everyByte = new int[in.length];
            Arrays.setAll(everyByte, i -> i);
            Run bytewise = run(api, drop, in, everyByte);
            assertArrayEquals(want, bytewise.out());
            assertEquals(whole.usage(), bytewise.usage());
            assertEquals(generated, bytewise.generated());
        }
    }

    @Test
    void meteringAnOpenAiChatStreamPassesEveryByteOn() {
        assertSameWhereverCut(LlmApi.OPENAI_CHAT, false, CHAT, CHAT, CHAT_USAGE, 3);
    }

    @Test
    void theUsageChunkTheGatewayAskedForIsMeteredButNotPassedOn() {
        assertSameWhereverCut(LlmApi.OPENAI_CHAT, true, CHAT, CHAT.replace(USAGE_EVENT, ""), CHAT_USAGE, 3);
    }

    @Test
    void aLimitedMeterPassesNothingFromTheFirstEventPastItsLimitEvenWithinOneChunk() {
        // CHAT's generating events: "Paris", " — café…", the tool call's arguments. A limit of 2 stops at the third.
        SseMeter meter = SseMeter.limitedTo(LlmApi.OPENAI_CHAT, false, 2);
        String out = new String(meter.accept(bytes(CHAT)), StandardCharsets.UTF_8);

        assertTrue(meter.pastLimit());
        assertTrue(out.contains("café") && !out.contains("Paris\\\"}") && !out.contains("[DONE]"), out);
        assertEquals(CHAT.substring(0, CHAT.indexOf("data: ", CHAT.indexOf("get_weather"))), out, "every event before the one past the limit, byte for byte");
        assertEquals(0, meter.accept(bytes("data: [DONE]\n\n")).length, "nothing after the cut");
        SseMeter exact = SseMeter.limitedTo(LlmApi.OPENAI_CHAT, false, 3);
        assertArrayEquals(bytes(CHAT), exact.accept(bytes(CHAT)), "a stream within its limit passes whole");
        assertFalse(exact.pastLimit());
    }

    @Test
    void anEventThatGrowsPastTheLimitWithoutEndingMakesTheStreamUnreadable() {
        SseMeter meter = SseMeter.of(LlmApi.OPENAI_CHAT, false);
        assertArrayEquals(bytes(USAGE_EVENT), meter.accept(bytes(USAGE_EVENT)));
        assertTrue(meter.usage().isPresent());

        assertEquals(0, meter.accept(bytes("data: " + "x".repeat(64 << 20))).length, "nothing of the chunk that overflows");
        assertTrue(meter.unreadable());
        assertFalse(meter.pastLimit());
        assertTrue(meter.usage().isEmpty(), "usage read before the unreadable event no longer counts: the call is charged what it held");
        assertEquals(0, meter.accept(bytes("\n\ndata: [DONE]\n\n")).length, "nor anything after it");
        assertEquals(0, meter.finish().length);
    }

    @Test
    void aUsageChunkWithChoicesIsNeverDropped() {
        String stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\n";
        Run run = run(LlmApi.OPENAI_CHAT, true, bytes(stream));
        assertArrayEquals(bytes(stream), run.out());
        assertEquals(Optional.of(new TokenUsage(3, 0, 0, 0, 1, 0)), run.usage());
        assertEquals(1, run.generated());
    }

    @Test
    void meteringAnOpenAiResponsesStream() {
        assertSameWhereverCut(LlmApi.OPENAI_RESPONSES, false, RESPONSES, RESPONSES, RESPONSES_USAGE, 4);
    }

    @Test
    void incompleteAndFailedResponsesReportUsageToo() {
        for (String end : List.of("response.incomplete", "response.failed")) {
            String stream = "event: " + end + "\ndata: {\"type\":\"" + end + "\",\"response\":{\"status\":\"incomplete\","
                    + "\"usage\":{\"input_tokens\":10,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":4,\"output_tokens_details\":{\"reasoning_tokens\":0}}}}\n\n";
            assertEquals(Optional.of(new TokenUsage(10, 0, 0, 0, 4, 0)), run(LlmApi.OPENAI_RESPONSES, false, bytes(stream)).usage(), end);
        }
        String failedWithoutUsage = "event: response.failed\ndata: {\"type\":\"response.failed\",\"response\":{\"status\":\"failed\",\"usage\":null}}\n\n";
        assertEquals(Optional.empty(), run(LlmApi.OPENAI_RESPONSES, false, bytes(failedWithoutUsage)).usage());
    }

    @Test
    void anEventWithoutATypeInItsDataIsKnownByItsEventName() {
        Run run = run(LlmApi.OPENAI_RESPONSES, false, bytes("event: response.output_text.delta\ndata: {\"delta\":\"hello\"}\n\n"));
        assertEquals(1, run.generated());
    }

    @Test
    void meteringAnAnthropicStream() {
        assertSameWhereverCut(LlmApi.ANTHROPIC_MESSAGES, false, ANTHROPIC, ANTHROPIC, ANTHROPIC_USAGE, 4);
    }

    @Test
    void anthropicUsageIsKnownFromMessageStartOn() {
        SseMeter meter = SseMeter.of(LlmApi.ANTHROPIC_MESSAGES, false);
        meter.accept(bytes(ANTHROPIC.substring(0, ANTHROPIC.indexOf("event: content_block_start"))));
        assertEquals(Optional.of(new TokenUsage(21, 12044, 1500, 376, 1, 0)), meter.usage(), "message_start's initial output count");
    }

    @Test
    void anthropicMessageDeltaCountsReplaceTheEarlierOnes() {
        String start = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":21,\"cache_creation_input_tokens\":1876,"
                + "\"cache_read_input_tokens\":12044,\"cache_creation\":{\"ephemeral_5m_input_tokens\":1500,\"ephemeral_1h_input_tokens\":376},\"output_tokens\":1}}}\n\n";
        String sameTotals = "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"input_tokens\":21,\"cache_creation_input_tokens\":1876,\"cache_read_input_tokens\":12044,\"output_tokens\":393}}\n\n";
        assertEquals(Optional.of(ANTHROPIC_USAGE), run(LlmApi.ANTHROPIC_MESSAGES, false, bytes(start + sameTotals)).usage(),
                "the breakdown by lifetime stays while it adds up to the total");
        String newTotals = "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"input_tokens\":30,\"cache_creation_input_tokens\":2000,\"cache_read_input_tokens\":null,\"output_tokens\":400}}\n\n";
        assertEquals(Optional.of(new TokenUsage(30, 12044, 2000, 0, 400, 0)), run(LlmApi.ANTHROPIC_MESSAGES, false, bytes(start + newTotals)).usage(),
                "a new cache-write total without its breakdown counts at five minutes; a null count keeps the earlier one");
        String withBreakdown = "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"cache_creation_input_tokens\":2000,"
                + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":0,\"ephemeral_1h_input_tokens\":2000},\"output_tokens\":5}}\n\n";
        assertEquals(Optional.of(new TokenUsage(21, 12044, 0, 2000, 5, 0)), run(LlmApi.ANTHROPIC_MESSAGES, false, bytes(start + withBreakdown)).usage());
    }

    @Test
    void anIncompleteEventWaitsForItsEnd() {
        byte[] stream = bytes(ANTHROPIC);
        int secondEvent = ANTHROPIC.indexOf("event: content_block_start");
        int midSecond = secondEvent + 30;
        SseMeter meter = SseMeter.of(LlmApi.ANTHROPIC_MESSAGES, false);
        assertArrayEquals(Arrays.copyOf(stream, secondEvent), meter.accept(Arrays.copyOf(stream, midSecond)));
        assertArrayEquals(Arrays.copyOfRange(stream, secondEvent, midSecond), meter.finish(), "what remains at the end passes unchanged");
    }

    @Test
    void explicitAwkwardCuts() {
        String crlf = withLineEnding(CHAT, "\r\n");
        byte[] in = bytes(crlf);
        byte[] coffee = bytes("☕");
        int insideCoffee = indexOf(in, coffee) + 1;
        int insideBlankLine = indexOf(in, bytes("\r\n\r\n")) + 3;
        int insideLine = indexOf(in, bytes("\"Paris\"")) + 3;
        int insideUsageEnd = indexOf(in, bytes("\r\n\r\ndata: [DONE]")) + 3;
        Run run = run(LlmApi.OPENAI_CHAT, true, in, insideBlankLine, insideLine, insideCoffee, insideCoffee + 1, insideUsageEnd);
        assertArrayEquals(bytes(withLineEnding(CHAT.replace(USAGE_EVENT, ""), "\r\n")), run.out(),
                "the \n after the \r that ended the dropped usage chunk is dropped with it");
        assertEquals(Optional.of(CHAT_USAGE), run.usage());
        assertEquals(3, run.generated());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void eventsThatAreNotJsonPassUnmetered() {
        String stream = ": keep-alive\n\nevent: ping\n\ndata: not json\n\ndata: [DONE]\n\nretry: 100\nid: 7\n\n\n\n";
        Run run = run(LlmApi.OPENAI_CHAT, true, bytes(stream));
        assertArrayEquals(bytes(stream), run.out());
        assertEquals(Optional.empty(), run.usage());
        assertEquals(0, run.generated());
    }

    @Test
    void dataSpreadOverSeveralLinesIsJoined() {
        String stream = "data: {\"choices\":[],\n"
                + "data: \"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\n";
        Run run = run(LlmApi.OPENAI_CHAT, true, bytes(stream));
        assertEquals(Optional.of(new TokenUsage(3, 0, 0, 0, 1, 0)), run.usage());
        assertArrayEquals(new byte[0], run.out());
    }

    @Test
    void completionsCountTextChunks() {
        String stream = "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"choices\":[{\"text\":\"Hello\",\"index\":0,\"finish_reason\":null}],\"usage\":null}\n\n"
                + "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"choices\":[{\"text\":\"\",\"index\":0,\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
                + "data: {\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\n"
                + "data: [DONE]\n\n";
        Run run = run(LlmApi.OPENAI_COMPLETIONS, false, bytes(stream));
        assertEquals(1, run.generated());
        assertEquals(Optional.of(new TokenUsage(5, 0, 0, 0, 2, 0)), run.usage());
    }

    @Test
    void chatCountsReasoningAndRefusalDeltas() {
        String stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\"hmm\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"so\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"I can't\"}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"refusal\":null}}]}\n\n";
        assertEquals(3, run(LlmApi.OPENAI_CHAT, false, bytes(stream)).generated());
    }

    @Test
    void unreadableReportedUsageIsNoUsage() {
        String stream = "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":-1}}\n\n";
        assertEquals(Optional.empty(), run(LlmApi.OPENAI_CHAT, false, bytes(stream)).usage());
    }

    @Test
    void cutTailEndsTheStreamAsEachProviderDoes() {
        assertEquals(": caracal: budget reached\n\ndata: [DONE]\n\n",
                new String(SseMeter.of(LlmApi.OPENAI_CHAT, false).cutTail("caracal: budget reached"), StandardCharsets.UTF_8));
        assertEquals(": stop\n\ndata: [DONE]\n\n", new String(SseMeter.of(LlmApi.OPENAI_COMPLETIONS, false).cutTail("stop"), StandardCharsets.UTF_8));
        assertEquals(": stop\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
                new String(SseMeter.of(LlmApi.ANTHROPIC_MESSAGES, false).cutTail("stop"), StandardCharsets.UTF_8));
        assertEquals(": stop\n\n", new String(SseMeter.of(LlmApi.OPENAI_RESPONSES, false).cutTail("stop"), StandardCharsets.UTF_8));
    }

    @Test
    void theCutTailIsReadAsTheEndByAMeterToo() {
        Run run = run(LlmApi.ANTHROPIC_MESSAGES, false, SseMeter.of(LlmApi.ANTHROPIC_MESSAGES, false).cutTail("line one\nline two"));
        assertEquals(Optional.empty(), run.usage());
        assertTrue(new String(run.out(), StandardCharsets.UTF_8).startsWith(": line one line two\n\n"));
    }

    @Test
    void aCommentNeverBreaksItsLine() {
        assertEquals(": a b c d\n\n", new String(SseMeter.comment("a\r\nb\rc\nd"), StandardCharsets.UTF_8));
        assertEquals(": budget 1.00 USD — spent\n\n", new String(SseMeter.comment("budget 1.00 USD — spent"), StandardCharsets.UTF_8));
    }
}
