package io.caracal.core.event;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.LifecycleEvent;
import io.caracal.core.budget.BudgetDecision;
import io.caracal.core.budget.BudgetLine;
import io.caracal.core.budget.Settlement;
import io.caracal.core.money.Money;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** The events Caracal publishes, built from what they report and encoded for the outbox. */
public final class Events {

    private Events() {
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

    public static OutboxEvent metering(MeteringEvent event) {
        return OutboxEvent.of(event.eventId(), Topics.METERING, event.agentId(), event.toRecord(), event.occurredAt());
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

    /**
     * An administrative change to an agent. The details are the agent's fields after the change plus
     * {@code extra} (which key, for key events); never key material, so the event can travel and be kept anywhere.
     */
    public static OutboxEvent agentLifecycle(Agent agent, LifecycleEvent kind, String changedBy, Map<String, String> extra, Instant at) {
        Map<String, String> details = new TreeMap<>(extra);
        details.put("name", agent.name());
        details.put("description", agent.description());
        details.put("owner", agent.owner());
        details.put("status", agent.status().label());
        details.put("parent_agent_id", agent.parentId() == null ? "" : agent.parentId().toString());
        agent.metadata().forEach((key, value) -> details.put("metadata." + key, value));
        details.replaceAll((key, value) -> value == null ? "" : value);
        UUID eventId = UUID.randomUUID();
        GenericRecord record = new GenericData.Record(EventSchemas.get().latest(EventSchemas.AGENT_LIFECYCLE));
        record.put("event_id", eventId.toString());
        record.put("agent_id", agent.id().toString());
        record.put("lifecycle_event", kind.label());
        record.put("changed_by", changedBy);
        record.put("occurred_at", AvroFields.micros(at));
        record.put("details", details);
        return OutboxEvent.of(eventId, Topics.AGENT_LIFECYCLE, agent.id(), record, at);
    }

    /** A new version of a budget policy. */
    public static OutboxEvent policyChange(PolicyChangeFacts change, Instant at) {
        UUID eventId = UUID.randomUUID();
        GenericRecord record = new GenericData.Record(EventSchemas.get().latest(EventSchemas.POLICY_CHANGE));
        record.put("event_id", eventId.toString());
        record.put("agent_id", change.agentId().toString());
        record.put("policy_id", change.policyId().toString());
        record.put("version", change.version());
        record.put("change_type", change.changeType());
        record.put("changed_by", change.changedBy());
        record.put("change_reason", change.changeReason());
        record.put("limit_amount", change.limit().amountText());
        record.put("currency", change.limit().currency().code());
        record.put("time_window", change.timeWindow());
        record.put("window_type", change.windowType());
        record.put("active", change.active());
        record.put("occurred_at", AvroFields.micros(at));
        return OutboxEvent.of(eventId, Topics.POLICY_CHANGES, change.agentId(), record, at);
    }

    /** What a policy-change event reports. */
    public record PolicyChangeFacts(UUID agentId, UUID policyId, int version, String changeType, String changedBy, String changeReason,
                                    Money limit, String timeWindow, String windowType, boolean active) {
    }
}
