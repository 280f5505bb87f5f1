package io.caracal.gateway.lambda;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Event JSON as the Lambda Java runtime hands it to a handler, and the handler's answer as the runtime sends it
 * back: both through the runtime's own serializers (aws-lambda-java-serialization).
 */
final class AwsEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AwsEvents() {
    }

    /** The event in test resource lambda/{@code resource}, with {@code apiKey} for ${API_KEY}. */
    static <E> E read(String resource, Class<E> type, String apiKey) {
        try (InputStream in = AwsEvents.class.getResourceAsStream("/lambda/" + resource)) {
            String event = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${API_KEY}", apiKey);
            return LambdaEventSerializers.serializerFor(type, AwsEvents.class.getClassLoader()).fromJson(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The response JSON the runtime returns to API Gateway or the ALB. */
    @SuppressWarnings("unchecked")
    static <R> JsonNode written(R response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor((Class<R>) response.getClass(), AwsEvents.class.getClassLoader()).toJson(response, out);
        try {
            return JSON.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A response's body bytes: base64-decoded when it says it is encoded. */
    static byte[] body(JsonNode response) {
        String body = response.path("body").asText("");
        return response.path("isBase64Encoded").asBoolean() ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
    }

    static JsonNode jsonBody(JsonNode response) {
        try {
            return JSON.readTree(body(response));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
