package io.caracal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The CloudWatch Embedded Metric Format documents a Lambda handler wrote to stdout during one invocation, each
 * checked against the EMF specification's rules on the way in: an {@code _aws} object with a millisecond
 * {@code Timestamp} and {@code CloudWatchMetrics} directives (namespace, dimension sets of at most 30 keys, at most
 * 100 metric definitions), every dimension a string field of the document, every metric a number field, and no
 * field the directive does not name.
 */
public final class EmfOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> documents;

    private EmfOutput(List<JsonNode> documents) {
        this.documents = documents;
    }

    public interface Invocation {
        void run() throws Exception;
    }

    /** Runs {@code invocation}, stdout still printed, and keeps the EMF lines it wrote. */
    public static EmfOutput of(Invocation invocation) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
        try {
            invocation.run();
        } finally {
            System.out.flush();
            System.setOut(original);
        }
        List<JsonNode> documents = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{\"_aws\"")) {
                documents.add(valid(JSON.readTree(line)));
            }
        }
        return new EmfOutput(documents);
    }

    public List<JsonNode> documents() {
        return documents;
    }

    /**
     * The sum of {@code metric} over the documents whose dimensions are exactly {@code dimensions}; 0 when none
     * carries it.
     */
    public double value(String metric, Map<String, String> dimensions) {
        return documents.stream().filter(document -> dimensions(document).equals(new TreeMap<>(dimensions)))
                .filter(document -> document.has(metric)).mapToDouble(document -> document.get(metric).asDouble()).sum();
    }

    /** The dimension values of every document that carries {@code metric}. */
    public List<Map<String, String>> dimensionsOf(String metric) {
        return documents.stream().filter(document -> document.has(metric)).map(EmfOutput::dimensions).toList();
    }

    /** Every metric name the documents carry. */
    public Set<String> metrics() {
        Set<String> names = new HashSet<>();
        documents.forEach(document -> document.get("_aws").get("CloudWatchMetrics")
                .forEach(directive -> directive.get("Metrics").forEach(metric -> names.add(metric.get("Name").asText()))));
        return names;
    }

    private static Map<String, String> dimensions(JsonNode document) {
        Map<String, String> dimensions = new TreeMap<>();
        document.get("_aws").get("CloudWatchMetrics")
                .forEach(directive -> directive.get("Dimensions").forEach(set -> set.forEach(key -> dimensions.put(key.asText(), document.get(key.asText()).asText()))));
        return dimensions;
    }

    private static JsonNode valid(JsonNode document) {
        JsonNode aws = document.get("_aws");
        check(aws != null && aws.isObject(), "no _aws object", document);
        check(aws.path("Timestamp").isIntegralNumber() && aws.get("Timestamp").asLong() > 0, "no millisecond Timestamp", document);
        check(aws.path("CloudWatchMetrics").isArray() && !aws.get("CloudWatchMetrics").isEmpty(), "no CloudWatchMetrics directive", document);
        Set<String> named = new HashSet<>();
        for (JsonNode directive : aws.get("CloudWatchMetrics")) {
            check(directive.path("Namespace").isTextual() && !directive.get("Namespace").asText().isEmpty(), "a directive without a Namespace", document);
            check(directive.path("Dimensions").isArray(), "a directive without Dimensions", document);
            for (JsonNode set : directive.get("Dimensions")) {
                check(set.isArray() && set.size() <= 30, "a dimension set that is not an array of at most 30 keys", document);
                set.forEach(key -> {
                    check(document.path(key.asText()).isTextual(), "dimension " + key + " is not a string field", document);
                    named.add(key.asText());
                });
            }
            JsonNode metrics = directive.path("Metrics");
            check(metrics.isArray() && !metrics.isEmpty() && metrics.size() <= 100, "Metrics is not an array of 1 to 100 definitions", document);
            metrics.forEach(metric -> {
                String name = metric.path("Name").asText();
                check(document.path(name).isNumber(), "metric " + name + " is not a number field", document);
                check(metric.path("Unit").isTextual(), "metric " + name + " has no Unit", document);
                named.add(name);
            });
        }
        Set<String> fields = new HashSet<>();
        document.fieldNames().forEachRemaining(fields::add);
        fields.remove("_aws");
        check(fields.equals(named), "fields " + fields + " are not exactly the dimensions and metrics the directive names " + named, document);
        return document;
    }

    private static void check(boolean condition, String problem, JsonNode document) {
        if (!condition) {
            throw new AssertionError("invalid EMF document, " + problem + ": " + document);
        }
    }

    /** Writes to both streams, so the test's own log still shows what the handler printed. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
        }
    }
}
