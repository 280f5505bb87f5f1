package io.caracal.core.llm;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * Denials and errors in the provider's own error shape, so the official SDKs raise their usual exception types.
 * The SDKs (openai-node and anthropic-sdk-typescript, src/core/error.ts) pick the exception class by HTTP status
 * alone (400 BadRequest, 401 Authentication, 403 PermissionDenied, 404 NotFound, 429 RateLimit, >= 500
 * InternalServer) and expose the body's error {@code type} (and, for OpenAI, {@code code} and {@code param}).
 */
public final class ProviderErrors {
    /** The gateway's code for a spent budget. */
    public static final String BUDGET_EXCEEDED = "budget_exceeded";

    private ProviderErrors() {
    }

    public record Shaped(int status, byte[] body, Map<String, String> headers) {
    }

    /**
     * {@code provider} "openai": {"error":{"message":m,"type":t,"param":null,"code":code}}; "anthropic":
     * {"type":"error","error":{"type":t,"message":m}}. {@code code} is the gateway's code, kept as is in OpenAI's
     * {@code code} field. A spent budget is 429 whatever {@code status} says (OpenAI's type insufficient_quota,
     * Anthropic's rate_limit_error), with {@code x-should-retry: false}, which both SDKs obey before their default of
     * retrying a 429: a spent budget does not come back by retrying. Any other status is kept.
     */
    public static Shaped shape(String provider, int status, String code, String message) {
        boolean budget = BUDGET_EXCEEDED.equals(code);
        int shapedStatus = budget ? 429 : status;
        if (shapedStatus < 400 || shapedStatus > 599) {
            throw new IllegalArgumentException("an error status is 4xx or 5xx, got " + status);
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        switch (provider) {
            case "openai" -> {
                ObjectNode error = body.putObject("error");
                error.put("message", message);
                error.put("type", budget ? "insufficient_quota" : openAiType(shapedStatus));
                error.putNull("param");
                error.put("code", code);
            }
            case "anthropic" -> {
                body.put("type", "error");
                ObjectNode error = body.putObject("error");
                error.put("type", anthropicType(shapedStatus));
                error.put("message", message);
            }
            default -> throw new IllegalArgumentException("no error shape for provider '" + provider + "' (openai or anthropic)");
        }
        return new Shaped(shapedStatus, LlmJson.write(body), budget ? Map.of("x-should-retry", "false") : Map.of());
    }

    /**
     * OpenAI's types: invalid_request_error for a request it refuses, an invalid key (401, code invalid_api_key) and
     * an unknown model (404, code model_not_found) alike; rate limits under their own; server_error for its faults.
     */
    private static String openAiType(int status) {
        if (status == 429) {
            return "rate_limit_exceeded";
        }
        return status >= 500 ? "server_error" : "invalid_request_error";
    }

    /** Anthropic's documented types by status (docs.claude.com/en/api/errors, and ErrorType in the SDK's resources/shared.ts). */
    private static String anthropicType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
