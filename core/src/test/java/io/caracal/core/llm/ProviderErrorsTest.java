package io.caracal.core.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProviderErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode body(ProviderErrors.Shaped shaped) throws Exception {
        return JSON.readTree(shaped.body());
    }

    @Test
    void aSpentBudgetIsAnOpenAiQuotaErrorThatIsNotRetried() throws Exception {
        ProviderErrors.Shaped shaped = ProviderErrors.shape("openai", 403, "budget_exceeded", "budget exceeded: daily limit 100.00 USD");
        assertEquals(429, shaped.status());
        assertEquals(Map.of("x-should-retry", "false"), shaped.headers());
        assertEquals(JSON.readTree("""
                {"error":{"message":"budget exceeded: daily limit 100.00 USD","type":"insufficient_quota","param":null,"code":"budget_exceeded"}}
                """), body(shaped));
    }

    @Test
    void aSpentBudgetIsAnAnthropicRateLimitErrorThatIsNotRetried() throws Exception {
        ProviderErrors.Shaped shaped = ProviderErrors.shape("anthropic", 429, "budget_exceeded", "budget exceeded");
        assertEquals(429, shaped.status());
        assertEquals(Map.of("x-should-retry", "false"), shaped.headers());
        assertEquals(JSON.readTree("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"budget exceeded\"}}"), body(shaped));
    }

    @Test
    void anthropicTypesFollowTheStatus() throws Exception {
        Map<Integer, String> types = Map.of(400, "invalid_request_error", 401, "authentication_error", 403, "permission_error",
                404, "not_found_error", 413, "request_too_large", 429, "rate_limit_error", 500, "api_error", 502, "api_error",
                503, "api_error", 504, "timeout_error");
        for (Map.Entry<Integer, String> type : types.entrySet()) {
            ProviderErrors.Shaped shaped = ProviderErrors.shape("anthropic", type.getKey(), "some_code", "m");
            assertEquals(type.getKey(), shaped.status(), "the status given is kept");
            assertEquals(type.getValue(), body(shaped).path("error").path("type").asText(), "status " + type.getKey());
            assertEquals(Map.of(), shaped.headers());
        }
        assertEquals("invalid_request_error", body(ProviderErrors.shape("anthropic", 409, "conflict", "m")).path("error").path("type").asText());
    }

    @Test
    void openAiKeepsTheGatewaysCodeAndUsesItsOwnTypes() throws Exception {
        ProviderErrors.Shaped denied = ProviderErrors.shape("openai", 401, "authentication_failed", "invalid API key");
        assertEquals(401, denied.status());
        assertEquals(JSON.readTree("""
                {"error":{"message":"invalid API key","type":"invalid_request_error","param":null,"code":"authentication_failed"}}
                """), body(denied));
        assertEquals("invalid_request_error", body(ProviderErrors.shape("openai", 403, "resource_not_allowed", "m")).path("error").path("type").asText());
        assertEquals("invalid_request_error", body(ProviderErrors.shape("openai", 413, "invalid_request", "m")).path("error").path("type").asText());
        assertEquals("rate_limit_exceeded", body(ProviderErrors.shape("openai", 429, "rate_limited", "m")).path("error").path("type").asText());
        ProviderErrors.Shaped timeout = ProviderErrors.shape("openai", 504, "upstream_timeout", "the upstream did not answer in 30 s");
        assertEquals(504, timeout.status());
        assertEquals("server_error", body(timeout).path("error").path("type").asText());
        assertEquals("upstream_timeout", body(timeout).path("error").path("code").asText());
    }

    @Test
    void messagesAreEscaped() throws Exception {
        String message = "quote \" backslash \\ newline \n unicode é";
        assertEquals(message, body(ProviderErrors.shape("openai", 400, "invalid_request", message)).path("error").path("message").asText());
        assertEquals(message, body(ProviderErrors.shape("anthropic", 400, "invalid_request", message)).path("error").path("message").asText());
    }

    @Test
    void onlyOpenAiAndAnthropicAndOnlyErrorStatuses() {
        assertThrows(IllegalArgumentException.class, () -> ProviderErrors.shape("generic", 400, "invalid_request", "m"));
        assertThrows(IllegalArgumentException.class, () -> ProviderErrors.shape("openai", 200, "invalid_request", "m"));
    }
}
