package io.caracal.core.ledger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A ledger event in a bundle: every field {@link io.caracal.core.ledger.LedgerLeaf} covers, written so it reads back
 * to the same leaf. Amounts are JSON strings (plain decimals, never floating point) and times ISO-8601 with their
 * microseconds, so neither scale nor precision is lost on the way.
 */
final class BundleEvents {
    private BundleEvents() {
    }

    /** An event as read back: the leaf hash its fields give at the index it claims, the leaf hash the file claims, or why it is unreadable. */
    record Read(long leafIndex, String eventId, byte[] hash, byte[] claimedHash, String malformed) {
    }

    static void write(JsonGenerator out, long leafIndex, LedgerRow row, byte[] leafHash) throws IOException {
        out.writeStartObject();
        out.writeNumberField("leaf_index", leafIndex);
        out.writeStringField("leaf_hash", HexFormat.of().formatHex(leafHash));
        out.writeStringField("event_id", row.eventId().toString());
        out.writeStringField("agent_id", row.agentId().toString());
        out.writeStringField("hold_id", row.holdId() == null ? null : row.holdId().toString());
        out.writeStringField("amount", row.amount().toPlainString());
        out.writeStringField("currency", row.currency());
        out.writeStringField("occurred_at", row.occurredAt().toString());
        out.writeStringField("recorded_at", row.recordedAt().toString());
        out.writeStringField("resource", row.resource());
        out.writeObjectFieldStart("metadata");
        for (Map.Entry<String, String> entry : new TreeMap<>(row.metadata()).entrySet()) {
            out.writeStringField(entry.getKey(), entry.getValue());
        }
        out.writeEndObject();
        out.writeObjectFieldStart("budget_lines");
        for (Map.Entry<UUID, BigDecimal> line : new TreeMap<>(row.lines()).entrySet()) {
            out.writeStringField(line.getKey().toString(), line.getValue().toPlainString());
        }
        out.writeEndObject();
        out.writeEndObject();
    }

    /** Never throws on a bad field: a tampered event is a finding of the verification, not an unreadable file. */
    static Read read(JsonNode event) {
        long leafIndex = event.path("leaf_index").canConvertToLong() ? event.path("leaf_index").asLong() : -1;
        String eventId = event.path("event_id").asText(null);
        try {
            if (!event.path("leaf_index").isIntegralNumber()) {
                throw new IllegalArgumentException("leaf_index is not an integer");
            }
            Map<String, String> metadata = new HashMap<>();
            event.path("metadata").fields().forEachRemaining(f -> metadata.put(f.getKey(), text(f.getValue(), "a metadata value")));
            Map<UUID, BigDecimal> lines = new HashMap<>();
            event.path("budget_lines").fields().forEachRemaining(f -> lines.put(UUID.fromString(f.getKey()), amount(f.getValue())));
            LedgerRow row = new LedgerRow(uuid(event, "event_id"), uuid(event, "agent_id"),
                    event.path("hold_id").isNull() ? null : uuid(event, "hold_id"), amount(event.path("amount")),
                    required(event, "currency"), Instant.parse(required(event, "occurred_at")), Instant.parse(required(event, "recorded_at")),
                    event.path("resource").isNull() ? null : required(event, "resource"), metadata, lines);
            return new Read(leafIndex, eventId, LedgerLeaf.hash(leafIndex, row), HexFormat.of().parseHex(required(event, "leaf_hash")), null);
        } catch (RuntimeException e) {
            // A malformed UUID, time or amount (or one with more than 9 decimals) is a changed event, reported with its batch.
            return new Read(leafIndex, eventId, null, null, e.getMessage());
        }
    }

    private static UUID uuid(JsonNode event, String field) {
        return UUID.fromString(required(event, field));
    }

    private static BigDecimal amount(JsonNode value) {
        return new BigDecimal(text(value, "an amount"));
    }

    private static String required(JsonNode event, String field) {
        return text(event.path(field), field);
    }

    private static String text(JsonNode value, String what) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException(what + " is missing or not a string");
        }
        return value.asText();
    }
}
