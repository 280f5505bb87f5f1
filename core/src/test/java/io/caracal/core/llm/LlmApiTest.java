package io.caracal.core.llm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LlmApiTest {
    @Test
    void recognisesOpenAiPathsWithOrWithoutV1() {
        assertEquals(Optional.of(LlmApi.OPENAI_CHAT), LlmApi.of("openai", "v1/chat/completions"));
        assertEquals(Optional.of(LlmApi.OPENAI_CHAT), LlmApi.of("openai", "/chat/completions"));
        assertEquals(Optional.of(LlmApi.OPENAI_CHAT), LlmApi.of("openai", "/v1/chat/completions/"));
        assertEquals(Optional.of(LlmApi.OPENAI_COMPLETIONS), LlmApi.of("openai", "completions"));
        assertEquals(Optional.of(LlmApi.OPENAI_EMBEDDINGS), LlmApi.of("openai", "/v1/embeddings"));
        assertEquals(Optional.of(LlmApi.OPENAI_RESPONSES), LlmApi.of("openai", "responses?stream=true"));
    }

    @Test
    void recognisesAnthropicMessagesOnly() {
        assertEquals(Optional.of(LlmApi.ANTHROPIC_MESSAGES), LlmApi.of("anthropic", "/v1/messages"));
        assertEquals(Optional.of(LlmApi.ANTHROPIC_MESSAGES), LlmApi.of("anthropic", "messages"));
        assertEquals(Optional.empty(), LlmApi.of("anthropic", "/v1/messages/count_tokens"));
        assertEquals(Optional.empty(), LlmApi.of("anthropic", "/v1/messages/batches"));
        assertEquals(Optional.empty(), LlmApi.of("anthropic", "/v1/chat/completions"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/models", "/v1/responses/resp_123", "/v1/responses/resp_123/input_items", "/v1/files", "/v1/messages",
            "/v2/chat/completions", "/v1/chat/completions/abc", ""})
    void otherOpenAiPathsAreNotPriced(String path) {
        assertEquals(Optional.empty(), LlmApi.of("openai", path));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1/chat/complet%69ons", "v1/Chat/Completions", "v1//chat//completions", "v1/chat;x/completions;y", "%76%31/chat/completions/"})
    void aPathAnUpstreamWouldRouteToChatIsPricedAsChatHoweverItIsSpelled(String path) {
        assertEquals(Optional.of(LlmApi.OPENAI_CHAT), LlmApi.of("openai", path));
    }

    @Test
    void otherProvidersAreNotPriced() {
        assertEquals(Optional.empty(), LlmApi.of("generic", "/v1/chat/completions"));
        assertEquals(Optional.empty(), LlmApi.of("mcp", "/v1/messages"));
        assertEquals(Optional.empty(), LlmApi.of(null, "/v1/messages"));
        assertEquals(Optional.empty(), LlmApi.of("openai", null));
    }
}
