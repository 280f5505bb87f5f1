package io.caracal.core.budget;

import io.caracal.core.event.AvroFields;
import io.caracal.core.event.EventSchemas;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.event.OutboxEvent;
import io.caracal.core.event.Topics;
import io.caracal.core.money.Money;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** The events the budget engine publishes: a metering event per settlement, a decision event per hold asked for. */
public final class BudgetEvents {
    private BudgetEvents() {
    }

    /** The metering event of a settlement; its id is the ledger event id, so the ledger writes it once. */
    public static MeteringEvent metering(Settlement settlement, Map<String, String> metadata) {
        Map<UUID, BigDecimal> lines = new LinkedHashMap<>();
        for (BudgetLine line : settlement.lines()) {
            lines.put(line.policy().id(), line.amount());
        }
        return new MeteringEvent(settlement.eventId(), settlement.agentId(), settlement.holdId(), settlement.actual(),
                settlement.occurredAt(), metadata.get("destination"), lines, metadata);
    }

    public static OutboxEvent decision(UUID agentId, BudgetDecision decision, Instant at, Map<String, String> metadata) {
        UUID eventId = UUID.randomUUID();
        GenericRecord record = new GenericData.Record(EventSchemas.get().latest(EventSchemas.POLICY_DECISION));
        record.put("event_id", eventId.toString());
        record.put("agent_id", agentId.toString());
        record.put("decision", decision.allowed() ? "allowed" : "denied");
        record.put("reason", decision.reason());
        record.put("remaining_budget", decision.remaining() == null ? null : Money.plain(decision.remaining()));
        record.put("currency", decision.currency());
        record.put("failed_policy_id", decision.failingPolicyId() == null ? null : decision.failingPolicyId().toString());
        record.put("decided_at", AvroFields.micros(at));
        record.put("metadata", new TreeMap<>(metadata));
        return OutboxEvent.of(eventId, Topics.POLICY_DECISIONS, agentId, record, at);
    }
}
