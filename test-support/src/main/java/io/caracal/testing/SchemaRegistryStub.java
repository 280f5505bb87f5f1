package io.caracal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A schema registry in this JVM serving the calls of the Confluent REST API that Caracal and Avro console tools make,
 * as Confluent's registry answers them: {@code POST /subjects/{subject}/versions} (the same schema text again gets
 * the same id), {@code GET /schemas/ids/{id}} (404 with error code 40403 for an unknown id) and
 * {@code GET /subjects/{subject}/versions}. Apicurio's registry, which would be the real one, is not runnable from
 * Maven Central (its jar there is an un-built Quarkus module), so tests run against this. Schemas are kept as
 * posted, ids count from 1 across subjects, as Confluent's do.
 */
public final class SchemaRegistryStub implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VERSIONS = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");

    private final HttpServer server;
    private final Map<String, Integer> idBySchema = new LinkedHashMap<>();
    private final Map<Integer, String> schemaById = new LinkedHashMap<>();
    private final Map<String, List<Integer>> idsBySubject = new LinkedHashMap<>();
    private final AtomicInteger registrations = new AtomicInteger();
    private volatile int failWith;

    private SchemaRegistryStub(HttpServer server) {
        this.server = server;
    }

    public static SchemaRegistryStub start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            SchemaRegistryStub stub = new SchemaRegistryStub(server);
            server.createContext("/", stub::handle);
            server.start();
            return stub;
        } catch (IOException e) {
            throw new IllegalStateException("could not start the schema registry stub", e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many registrations (POSTs of a schema) it received. */
    public int registrations() {
        return registrations.get();
    }

    /** Answers every call with {@code status} from now on (0: answers normally again). */
    public void failWith(int status) {
        failWith = status;
    }

    private synchronized void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (failWith != 0) {
                send(exchange, failWith, Map.of("error_code", failWith * 100, "message", "the registry is failing on purpose"));
                return;
            }
            String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
            Matcher versions = VERSIONS.matcher(path);
            Matcher byId = BY_ID.matcher(path);
            if (versions.matches() && "POST".equals(exchange.getRequestMethod())) {
                registrations.incrementAndGet();
                JsonNode body = JSON.readTree(exchange.getRequestBody());
                String schema = body.path("schema").asText();
                int id = idBySchema.computeIfAbsent(schema, s -> {
                    int next = schemaById.size() + 1;
                    schemaById.put(next, s);
                    return next;
                });
                List<Integer> ids = idsBySubject.computeIfAbsent(versions.group(1), s -> new ArrayList<>());
                if (!ids.contains(id)) {
                    ids.add(id);
                }
                send(exchange, 200, Map.of("id", id));
            } else if (versions.matches() && "GET".equals(exchange.getRequestMethod()) && idsBySubject.containsKey(versions.group(1))) {
                List<Integer> numbers = new ArrayList<>();
                for (int i = 1; i <= idsBySubject.get(versions.group(1)).size(); i++) {
                    numbers.add(i);
                }
                send(exchange, 200, numbers);
            } else if (byId.matches() && "GET".equals(exchange.getRequestMethod()) && schemaById.containsKey(Integer.parseInt(byId.group(1)))) {
                send(exchange, 200, Map.of("schema", schemaById.get(Integer.parseInt(byId.group(1)))));
            } else if (byId.matches()) {
                send(exchange, 404, Map.of("error_code", 40403, "message", "Schema " + byId.group(1) + " not found"));
            } else {
                send(exchange, 404, Map.of("error_code", 40401, "message", "Subject or path not found: " + path));
            }
        }
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        JsonResponse.send(exchange, status, "application/vnd.schemaregistry.v1+json", body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
