package io.caracal.core.llm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReportedUsageTest {
    private static Optional<TokenUsage> usage(LlmApi api, String body) {
        return ReportedUsage.ofJson(api, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void openAiChatTakesCachedTokensOutOfInputAndReasoningOutOfOutput() {
        String body = """
                {
                  "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
                  "object": "chat.completion",
                  "created": 1741570283,
                  "model": "o3-mini-2025-01-31",
                  "choices": [
                    {
                      "index": 0,
                      "message": {"role": "assistant", "content": "The capital of France is Paris.", "refusal": null, "annotations": []},
                      "logprobs": null,
                      "finish_reason": "stop"
                    }
                  ],
                  "usage": {
                    "prompt_tokens": 1117,
                    "completion_tokens": 546,
                    "total_tokens": 1663,
                    "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0},
                    "completion_tokens_details": {"reasoning_tokens": 512, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
                  },
                  "service_tier": "default",
                  "system_fingerprint": "fp_fc9f1d7035"
                }
                """;
        assertEquals(Optional.of(new TokenUsage(93, 1024, 0, 0, 34, 512)), usage(LlmApi.OPENAI_CHAT, body));
    }

    @Test
    void openAiChatWithoutDetailsOrWithNullDetails() {
        assertEquals(Optional.of(new TokenUsage(19, 0, 0, 0, 10, 0)), usage(LlmApi.OPENAI_CHAT, """
                {"id":"chatcmpl-abc123","object":"chat.completion","created":1677858242,"model":"gpt-4o-mini-2024-07-18",
                 "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29},
                 "choices":[{"message":{"role":"assistant","content":"This is a test!"},"logprobs":null,"finish_reason":"stop","index":0}]}
                """));
        assertEquals(Optional.of(new TokenUsage(19, 0, 0, 0, 10, 0)), usage(LlmApi.OPENAI_CHAT, """
                {"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,
                          "prompt_tokens_details":{"cached_tokens":null},"completion_tokens_details":null}}
                """));
    }

    @Test
    void openAiCompletions() {
        assertEquals(Optional.of(new TokenUsage(5, 0, 0, 0, 7, 0)), usage(LlmApi.OPENAI_COMPLETIONS, """
                {"id":"cmpl-uqkvlQyYK7bGYrRHQ0eXlWi7","object":"text_completion","created":1589478378,"model":"gpt-3.5-turbo-instruct",
                 "system_fingerprint":"fp_44709d6fcb",
                 "choices":[{"text":"\\n\\nThis is indeed a test","index":0,"logprobs":null,"finish_reason":"length"}],
                 "usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}
                """));
    }

    @Test
    void openAiResponses() {
        String body = """
                {
                  "id": "resp_67ccd3a9da748190baa7f1570fe91ac604becb25c45c1d41",
                  "object": "response",
                  "created_at": 1741476777,
                  "status": "completed",
                  "error": null,
                  "incomplete_details": null,
                  "model": "o3-mini-2025-01-31",
                  "output": [
                    {"type": "reasoning", "id": "rs_67ccd3acc8d48190a77525dc6de64b4104becb25c45c1d41", "summary": []},
                    {"type": "message", "id": "msg_67ccd3acc8d48190a77525dc6de64b4104becb25c45c1d42", "status": "completed", "role": "assistant",
                     "content": [{"type": "output_text", "text": "Paris.", "annotations": []}]}
                  ],
                  "reasoning": {"effort": "medium", "summary": null},
                  "temperature": 1.0,
                  "usage": {
                    "input_tokens": 2006,
                    "input_tokens_details": {"cached_tokens": 1920},
                    "output_tokens": 1035,
                    "output_tokens_details": {"reasoning_tokens": 832},
                    "total_tokens": 3041
                  },
                  "user": null,
                  "metadata": {}
                }
                """;
        assertEquals(Optional.of(new TokenUsage(86, 1920, 0, 0, 203, 832)), usage(LlmApi.OPENAI_RESPONSES, body));
    }

    @Test
    void openAiEmbeddings() {
        assertEquals(Optional.of(new TokenUsage(8, 0, 0, 0, 0, 0)), usage(LlmApi.OPENAI_EMBEDDINGS, """
                {"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0023064255,-0.009327292,-0.0028842222]}],
                 "model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}
                """));
    }

    @Test
    void anthropicWithTheCacheWriteBreakdown() {
        String body = """
                {
                  "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
                  "type": "message",
                  "role": "assistant",
                  "model": "claude-sonnet-4-5-20250929",
                  "content": [{"type": "text", "text": "Hello! How can I help?"}],
                  "stop_reason": "end_turn",
                  "stop_sequence": null,
                  "usage": {
                    "input_tokens": 21,
                    "cache_creation_input_tokens": 1876,
                    "cache_read_input_tokens": 12044,
                    "cache_creation": {"ephemeral_5m_input_tokens": 1500, "ephemeral_1h_input_tokens": 376},
                    "output_tokens": 393,
                    "service_tier": "standard",
                    "server_tool_use": null
                  }
                }
                """;
        assertEquals(Optional.of(new TokenUsage(21, 12044, 1500, 376, 393, 0)), usage(LlmApi.ANTHROPIC_MESSAGES, body));
    }

    @Test
    void anthropicWithoutTheBreakdownCountsCacheWritesAtFiveMinutes() {
        assertEquals(Optional.of(new TokenUsage(2095, 0, 248, 0, 503, 0)), usage(LlmApi.ANTHROPIC_MESSAGES, """
                {"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF","type":"message","role":"assistant","model":"claude-3-5-haiku-20241022",
                 "content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":2095,"cache_creation_input_tokens":248,"cache_read_input_tokens":0,"output_tokens":503}}
                """));
        assertEquals(Optional.of(new TokenUsage(12, 0, 0, 0, 6, 0)), usage(LlmApi.ANTHROPIC_MESSAGES, """
                {"usage":{"input_tokens":12,"cache_creation_input_tokens":null,"cache_read_input_tokens":null,"cache_creation":null,"output_tokens":6}}
                """));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"usage\":{\"prompt_tokens\":-1,\"completion_tokens\":10}}",
            "{\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":-3}}",
            "{\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3,\"prompt_tokens_details\":{\"cached_tokens\":11}}}",
            "{\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3,\"completion_tokens_details\":{\"reasoning_tokens\":4}}}",
            "{\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3,\"prompt_tokens_details\":{\"cached_tokens\":-1}}}",
            "{\"usage\":{\"prompt_tokens\":10.5,\"completion_tokens\":3}}",
            "{\"usage\":{\"prompt_tokens\":\"10\",\"completion_tokens\":3}}",
            "{\"usage\":{\"prompt_tokens\":99999999999999999999,\"completion_tokens\":3}}",
            "{\"usage\":{\"completion_tokens\":3}}",
            "{\"usage\":{\"prompt_tokens\":10}}",
            "{\"usage\":null}",
            "{\"usage\":[]}",
            "{\"choices\":[]}",
            "[]",
            "not json",
            "{\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":3}} trailing",
            "",
    })
    void unreadableOpenAiUsageIsNoUsage(String body) {
        assertEquals(Optional.empty(), usage(LlmApi.OPENAI_CHAT, body));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"usage\":{\"input_tokens\":-5,\"output_tokens\":3}}",
            "{\"usage\":{\"input_tokens\":5,\"output_tokens\":3,\"cache_read_input_tokens\":-1}}",
            "{\"usage\":{\"input_tokens\":5,\"output_tokens\":3,\"cache_creation\":{\"ephemeral_5m_input_tokens\":-2}}}",
            "{\"usage\":{\"input_tokens\":5}}",
            "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}",
    })
    void unreadableAnthropicUsageIsNoUsage(String body) {
        assertEquals(Optional.empty(), usage(LlmApi.ANTHROPIC_MESSAGES, body));
    }

    @Test
    void responsesUsageWithMoreCachedThanInputIsNoUsage() {
        assertEquals(Optional.empty(), usage(LlmApi.OPENAI_RESPONSES,
                "{\"usage\":{\"input_tokens\":10,\"input_tokens_details\":{\"cached_tokens\":20},\"output_tokens\":1}}"));
    }
}
