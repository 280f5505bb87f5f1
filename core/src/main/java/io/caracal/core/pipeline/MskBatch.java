package io.caracal.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The AWS Lambda shape: an MSK (or self-managed Kafka) event source mapping payload in, a partial batch response
 * out. Records that failed transiently are reported in {@code batchItemFailures} as
 * {@code {"topic-partition": "<topic>-<partition>", "offset": n}}, and Lambda retries exactly those; the others
 * are done or in the dead-letter queue.
 */
public final class MskBatch {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MskBatch() {
    }

    public static byte[] handle(byte[] event, BatchRunner runner) throws IOException {
        List<ConsumedRecord> records = parse(event);
        return response(runner.run(records, BatchRunner.Mode.REPORT_FAILURES));
    }

    /** The records of the event, in payload order: {@code records} maps "topic-partition" to that partition's records. */
    public static List<ConsumedRecord> parse(byte[] event) throws IOException {
        JsonNode root = JSON.readTree(event);
        if (root == null || !root.path("records").isObject()) {
            throw new IOException("not a Kafka event: no 'records' object");
        }
        List<ConsumedRecord> records = new ArrayList<>();
        for (Iterator<JsonNode> partitions = root.get("records").elements(); partitions.hasNext(); ) {
            for (JsonNode record : partitions.next()) {
                records.add(new ConsumedRecord(record.path("topic").asText(), record.path("partition").asInt(), record.path("offset").asLong(),
                        record.hasNonNull("key") ? new String(Base64.getDecoder().decode(record.get("key").asText()), java.nio.charset.StandardCharsets.UTF_8) : null,
                        record.hasNonNull("value") ? Base64.getDecoder().decode(record.get("value").asText()) : null,
                        headers(record.path("headers")), record.path("timestamp").asLong()));
            }
        }
        return records;
    }

    /** Lambda sends headers as a list of single-entry objects, each value an array of (signed) byte values. */
    private static Map<String, byte[]> headers(JsonNode headers) {
        Map<String, byte[]> out = new HashMap<>();
        for (JsonNode header : headers) {
            header.fields().forEachRemaining(entry -> {
                byte[] bytes = new byte[entry.getValue().size()];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) entry.getValue().get(i).asInt();
                }
                out.put(entry.getKey(), bytes);
            });
        }
        return out;
    }

    public static byte[] response(List<ConsumedRecord> failed) throws IOException {
        ObjectNode response = JSON.createObjectNode();
        ArrayNode failures = response.putArray("batchItemFailures");
        for (ConsumedRecord record : failed) {
            ObjectNode identifier = failures.addObject().putObject("itemIdentifier");
            identifier.put("topic-partition", record.topic() + "-" + record.partition());
            identifier.put("offset", record.offset());
        }
        return JSON.writeValueAsBytes(response);
    }
}
