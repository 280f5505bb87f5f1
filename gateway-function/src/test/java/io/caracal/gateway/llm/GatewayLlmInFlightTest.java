package io.caracal.gateway.llm;

import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.pricing.PriceDraft;
import io.caracal.core.pricing.PricebookStore;
import io.caracal.gateway.GatewayFixture;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An LLM answer is a call in flight until it is settled, which for a stream is when the stream ends: with
 * MAX_INFLIGHT_UPSTREAM at 1, each call after an answered one, streamed or not, finds its permit free again.
 */
class GatewayLlmInFlightTest {
    @Test
    void aStreamedOrWholeAnswerReturnsItsPermitOnceSettled() throws Exception {
        try (OpenAiStub openai = new OpenAiStub();
             GatewayFixture f = new GatewayFixture("gateway_llm_in_flight", Map.of(
                     "caracal.gateway.upstreams.openai.url", openai.baseUrl().toString(),
                     "caracal.gateway.upstreams.openai.type", "openai",
                     "caracal.gateway.max-inflight-upstream", 1))) {
            f.gateway.getBean(PricebookStore.class).importAll(List.of(
                    new PriceDraft("llm:gpt-test:input", new Money(new BigDecimal("2.50"), new CurrencyCode("USD")), null),
                    new PriceDraft("llm:gpt-test:output", new Money(new BigDecimal("10.00"), new CurrencyCode("USD")), null)));
            GatewayFixture.Caller caller = f.caller("10.00");
            HttpClient client = HttpClient.newHttpClient();
            for (String stream : List.of("true", "true", "false", "true")) {
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create(f.base + "/openai/chat/completions"))
                        .header("Authorization", "Bearer " + caller.key()).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-test\",\"stream\":" + stream
                                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", StandardCharsets.UTF_8)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), "stream " + stream + ": " + answer.body());
                assertTrue(answer.body().contains(": X-Caracal-Charged: ") || answer.headers().firstValue("X-Caracal-Charged").isPresent(),
                        "charged: " + answer.body());
            }
        }
    }
}
