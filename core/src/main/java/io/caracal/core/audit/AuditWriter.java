package io.caracal.core.audit;

import io.caracal.core.event.EventCodec;
import io.caracal.core.event.InvalidEventException;
import io.caracal.core.pipeline.ConsumedRecord;
import io.caracal.core.pipeline.EventProcessor;
import org.apache.avro.generic.GenericRecord;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The audit consumer: every event of every event topic (metering, decisions, agent lifecycle, policy changes) is
 * appended to the hash-chained audit log as it travelled, once per topic and event id.
 */
public final class AuditWriter implements EventProcessor {
    public static final String GROUP = "audit-logger-group";
    /** The field that holds when an event happened, by schema; the record's own timestamp otherwise. */
    private static final List<String> TIME_FIELDS = List.of("occurred_at", "decided_at");

    private final AuditStore audit;

    public AuditWriter(AuditStore audit) {
        this.audit = audit;
    }

    @Override
    public String consumerGroup() {
        return GROUP;
    }

    @Override
    public Map<ConsumedRecord, InvalidEventException> process(List<ConsumedRecord> records) {
        Map<ConsumedRecord, InvalidEventException> rejected = new LinkedHashMap<>();
        List<AuditStore.Draft> drafts = new ArrayList<>();
        for (ConsumedRecord record : records) {
            try {
                drafts.add(draft(record));
            } catch (InvalidEventException e) {
                rejected.put(record, e);
            }
        }
        audit.append(drafts);
        return rejected;
    }

    private static AuditStore.Draft draft(ConsumedRecord record) {
        // Kept as Avro binary under its writer's fingerprint whichever framing it travelled in, like every other row.
        EventCodec.Unframed value = EventCodec.unframe(record.value(), record.header(EventCodec.FINGERPRINT_HEADER));
        GenericRecord event = EventCodec.decodeAny(value.avro(), value.fingerprint());
        UUID eventId = uuid(event, "event_id");
        UUID agentId = event.getSchema().getField("agent_id") == null ? null : uuid(event, "agent_id");
        Instant occurredAt = Instant.ofEpochMilli(record.timestamp());
        for (String field : TIME_FIELDS) {
            if (event.getSchema().getField(field) != null && event.get(field) instanceof Long micros) {
                occurredAt = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
                break;
            }
        }
        return new AuditStore.Draft(record.topic(), record.partition(), record.offset(), eventId, event.getSchema().getFullName(), agentId,
                occurredAt, value.fingerprint(), value.avro(), event.toString());
    }

    private static UUID uuid(GenericRecord event, String field) {
        Object value = event.get(field);
        try {
            return UUID.fromString(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(InvalidEventException.CONTENT, field + " is not a UUID: '" + value + "'");
        }
    }
}
