package io.caracal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * AWS Secrets Manager's GetSecretValue on a loopback port, as the service speaks it (the JSON 1.1 protocol: POST /,
 * {@code X-Amz-Target: secretsmanager.GetSecretValue}, {@code {"SecretId": ...}}), for the real SDK client pointed
 * at it. An unknown secret is answered as the service does, 400 {@code ResourceNotFoundException}.
 * {@link #asSdkDefaults()} makes it, with static test credentials, what the SDK's default chains find.
 */
public final class SecretsManagerStub implements AutoCloseable {
    public static final String REGION = "eu-west-1";
    public static final String ACCESS_KEY_ID = "AKIDCARACALTEST";
    private static final String ACCOUNT = "123456789012";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    /** One request the stub received: its target header, the secret it asked for, its Authorization header. */
    public record Call(String target, String secretId, String authorization) {
    }

    private SecretsManagerStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public static SecretsManagerStub start() {
        try {
            return new SecretsManagerStub();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores {@code value} as the secret {@code name}; returns its ARN (with the six characters the service appends). */
    public String put(String name, String value) {
        String arn = arn(name);
        values.put(arn, value);
        return arn;
    }

    /** The ARN a secret of that name would have, for one that does not exist. */
    public String arn(String name) {
        return "arn:aws:secretsmanager:" + REGION + ":" + ACCOUNT + ":secret:" + name + "-Ab12Cd";
    }

    public String endpoint() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /**
     * Sets the system properties the SDK's default chains read (region, credentials, and the endpoint of Secrets
     * Manager, as AWS_ENDPOINT_URL_SECRETS_MANAGER would) to this stub, until closed.
     */
    public AutoCloseable asSdkDefaults() {
        Map<String, String> settings = Map.of("aws.region", REGION, "aws.accessKeyId", ACCESS_KEY_ID,
                "aws.secretAccessKey", "caracal-test-secret-access-key", "aws.endpointUrlSecretsManager", endpoint());
        Map<String, String> before = new HashMap<>();
        settings.forEach((name, value) -> {
            before.put(name, System.getProperty(name));
            System.setProperty(name, value);
        });
        return () -> before.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String secretId = request.path("SecretId").asText(null);
            calls.add(new Call(target, secretId, exchange.getRequestHeaders().getFirst("Authorization")));
            ObjectNode body = JSON.createObjectNode();
            int status;
            String value = secretId == null ? null : values.get(secretId);
            if (!"POST".equals(exchange.getRequestMethod()) || !"secretsmanager.GetSecretValue".equals(target)) {
                status = 400;
                body.put("__type", "UnknownOperationException");
            } else if (value == null) {
                status = 400;
                body.put("__type", "ResourceNotFoundException");
                body.put("Message", "Secrets Manager can't find the specified secret.");
            } else {
                status = 200;
                body.put("ARN", secretId);
                body.put("Name", secretId.substring(secretId.indexOf(":secret:") + ":secret:".length(), secretId.length() - "-Ab12Cd".length()));
                body.put("VersionId", UUID.randomUUID().toString());
                body.put("SecretString", value);
                body.putArray("VersionStages").add("AWSCURRENT");
                body.put("CreatedDate", 1.7e9);
            }
            exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
            JsonResponse.send(exchange, status, "application/x-amz-json-1.1", body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
