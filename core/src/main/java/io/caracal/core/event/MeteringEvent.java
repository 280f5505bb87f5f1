package io.caracal.core.event;

import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What an agent was charged for one call. {@code budgetLines} is what the charge counted against each budget
 * (policy id to amount in that budget's currency); {@code holdId} the hold it settles, if any.
 */
public record MeteringEvent(UUID eventId, UUID agentId, UUID holdId, Money cost, Instant occurredAt, String resource,
                            Map<UUID, BigDecimal> budgetLines, Map<String, String> metadata) {

    public MeteringEvent {
        budgetLines = Map.copyOf(budgetLines);
        metadata = Map.copyOf(metadata);
    }

    /** This event as the outbox publishes it, on the metering topic under its own id. */
    public OutboxEvent outboxEvent() {
        return OutboxEvent.of(eventId, Topics.METERING, agentId, toRecord(), occurredAt);
    }

    public GenericRecord toRecord() {
        GenericRecord record = new GenericData.Record(EventSchemas.get().latest(EventSchemas.METERING));
        record.put("event_id", eventId.toString());
        record.put("agent_id", agentId.toString());
        record.put("hold_id", holdId == null ? null : holdId.toString());
        record.put("amount", Money.plain(cost.amount()));
        record.put("currency", cost.currency().code());
        record.put("occurred_at", AvroFields.micros(occurredAt));
        record.put("resource", resource);
        Map<String, String> lines = new TreeMap<>();
        budgetLines.forEach((policy, amount) -> lines.put(policy.toString(), Money.plain(amount)));
        record.put("budget_lines", lines);
        record.put("metadata", new TreeMap<>(metadata));
        return record;
    }

    /** Validates as it reads: any problem is an {@link InvalidEventException} naming the field. */
    public static MeteringEvent from(GenericRecord record) {
        CurrencyCode currency = AvroFields.currency(record, "currency");
        Money cost = new Money(AvroFields.amount("amount", AvroFields.text(record, "amount")), currency);
        if (cost.amount().compareTo(io.caracal.core.money.Nanos.MAX_AMOUNT) > 0) {
            // The budget engine bounds a single charge; a larger one is a producer's error, not a charge to record.
            throw new InvalidEventException(InvalidEventException.CONTENT, "amount " + cost.amountText() + " is above the bound of "
                    + io.caracal.core.money.Nanos.MAX_AMOUNT.toPlainString() + " per charge");
        }
        Map<UUID, BigDecimal> lines = new LinkedHashMap<>();
        AvroFields.map(record, "budget_lines").forEach((policy, amount) ->
                lines.put(AvroFields.parseUuid("budget_lines key", policy), AvroFields.amount("budget line " + policy, amount)));
        return new MeteringEvent(AvroFields.uuid(record, "event_id"), AvroFields.uuid(record, "agent_id"),
                AvroFields.optionalUuid(record, "hold_id"), cost, AvroFields.instant(record, "occurred_at"),
                AvroFields.text(record, "resource"), lines, AvroFields.map(record, "metadata"));
    }
}
