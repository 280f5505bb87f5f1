package io.caracal.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caracal.core.error.InvalidInputException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of the Confluent Schema Registry REST API, which Confluent's registry, Apicurio's ({@code /apis/ccompat/v7}),
 * Karapace and Redpanda all serve: the two calls the wire format needs, registering a schema under a subject for its
 * id and fetching a schema by id. Ours rather than a serde library's: Confluent's client is not on Maven Central,
 * and Apicurio's serde speaks Apicurio's own API, so it would not work with the registry the deployment guides name.
 * Ids never change meaning in a registry, so both answers are kept for the life of the process.
 */
public final class SchemaRegistryClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** One client per registry in a process, so every producer and consumer shares its cache. */
    private static final Map<String, SchemaRegistryClient> BY_URL = new ConcurrentHashMap<>();

    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
    private final Map<String, Integer> idBySubjectAndFingerprint = new ConcurrentHashMap<>();

    private SchemaRegistryClient(String url) {
        this.url = url;
    }

    /** The client of the registry at {@code url} (e.g. {@code http://schema-registry:8081}). */
    public static SchemaRegistryClient at(String url) {
        String base = url.trim().replaceAll("/+$", "");
        URI uri;
        try {
            uri = URI.create(base);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("SCHEMA_REGISTRY_URL is not a valid URL");
        }
        if (uri.getRawUserInfo() != null) {
            // The URL is printed in errors and logs, so it must not carry a password.
            throw new InvalidInputException("SCHEMA_REGISTRY_URL must not contain credentials");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new InvalidInputException("SCHEMA_REGISTRY_URL must be an http(s) URL, got '" + base + "'");
        }
        return BY_URL.computeIfAbsent(base, SchemaRegistryClient::new);
    }

    /** The id of {@code schema} under {@code subject}, registering it if it is new there (registering the same schema again is a no-op in the registry). */
    public int register(String subject, Schema schema) {
        return idBySubjectAndFingerprint.computeIfAbsent(subject + "/" + EventSchemas.fingerprint(schema), key -> {
            String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions"))
                    .timeout(TIMEOUT).header("Content-Type", CONTENT_TYPE).header("Accept", CONTENT_TYPE)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            JsonNode answer = call(request).orElseThrow(() -> new SchemaRegistryException("schema registry at " + url + " has no subject API at "
                    + request.uri().getPath() + " (HTTP 404)"));
            if (!answer.path("id").canConvertToInt()) {
                throw new SchemaRegistryException("schema registry at " + url + " answered a registration of " + subject + " without an id");
            }
            return answer.get("id").intValue();
        });
    }

    /** The schema the registry holds under {@code id}, or empty if it holds none. */
    public Optional<Schema> schema(int id) {
        Schema known = byId.get(id);
        if (known != null) {
            return Optional.of(known);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/schemas/ids/" + id)).timeout(TIMEOUT).header("Accept", CONTENT_TYPE).GET().build();
        Optional<Schema> schema = call(request).map(answer -> {
            try {
                return new Schema.Parser().parse(answer.path("schema").asText());
            } catch (SchemaParseException e) {
                throw new InvalidEventException(InvalidEventException.SCHEMA, "schema id " + id + " is not an Avro schema: " + e.getMessage(), e);
            }
        });
        schema.ifPresent(s -> byId.put(id, s));
        return schema;
    }

    /** The JSON answer, empty on 404; any other failure is the registry's, and the caller may try again later. */
    private Optional<JsonNode> call(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry at " + url + " is unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while calling the schema registry at " + url, e);
        }
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() / 100 != 2) {
            throw new SchemaRegistryException("schema registry at " + url + " answered HTTP " + response.statusCode() + " to "
                    + request.method() + " " + request.uri().getPath() + ": " + abbreviate(response.body()));
        }
        try {
            return Optional.of(JSON.readTree(response.body()));
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry at " + url + " answered " + request.uri().getPath() + " with no JSON", e);
        }
    }

    private static String abbreviate(String body) {
        return body.length() <= 200 ? body : body.substring(0, 200) + "...";
    }

    @Override
    public String toString() {
        return url;
    }

    /** The registry could not be asked (down, refusing, answering nonsense): transient for a consumer, whose batch is retried. */
    public static final class SchemaRegistryException extends RuntimeException {
        public SchemaRegistryException(String message) {
            super(message);
        }

        public SchemaRegistryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
