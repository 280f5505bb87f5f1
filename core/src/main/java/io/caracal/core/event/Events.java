package io.caracal.core.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caracal.core.budget.BudgetDecision;
import io.caracal.core.budget.BudgetLine;
import io.caracal.core.budget.Settlement;
import io.caracal.core.money.Money;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The gateway's events as JSON (version 1): a metering event per settled call, a policy-decision event per
 * decision, denials included. Amounts are decimal strings, never JSON numbers.
 */
public final class Events {
    public static final String METERING_TYPE = "metering.v1";
    public static final String DECISION_TYPE = "policy_decision.v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Events() {
    }

    /** The metering event of a settlement; its id is the ledger event id, so the ledger writes it once. */
    public static OutboxEvent metering(Settlement settlement, Map<String, String> metadata) {
        ObjectNode body = JSON.createObjectNode()
                .put("event_type", METERING_TYPE)
                .put("event_id", settlement.eventId().toString())
                .put("agent_id", settlement.agentId().toString())
                .put("hold_id", settlement.holdId().toString())
                .put("amount", settlement.actual().amountText())
                .put("currency", settlement.actual().currency().code())
                .put("occurred_at", settlement.occurredAt().toString());
        ObjectNode lines = body.putObject("budget_lines");
        for (BudgetLine line : settlement.lines()) {
            lines.put(line.policy().id().toString(), Money.plain(line.amount()));
        }
        ObjectNode meta = body.putObject("metadata");
        metadata.forEach(meta::put);
        return new OutboxEvent(settlement.eventId(), Topics.METERING, settlement.agentId().toString(), METERING_TYPE, bytes(body),
                settlement.occurredAt());
    }

    public static OutboxEvent decision(UUID agentId, BudgetDecision decision, Instant at, Map<String, String> metadata) {
        UUID eventId = UUID.randomUUID();
        ObjectNode body = JSON.createObjectNode()
                .put("event_type", DECISION_TYPE)
                .put("event_id", eventId.toString())
                .put("agent_id", agentId.toString())
                .put("decision", decision.allowed() ? "allowed" : "denied")
                .put("reason", decision.reason())
                .put("remaining_budget", decision.remaining() == null ? null : Money.plain(decision.remaining()))
                .put("currency", decision.currency())
                .put("failed_policy_id", decision.failingPolicyId() == null ? null : decision.failingPolicyId().toString())
                .put("decided_at", at.toString());
        ObjectNode meta = body.putObject("metadata");
        metadata.forEach(meta::put);
        return new OutboxEvent(eventId, Topics.POLICY_DECISIONS, agentId.toString(), DECISION_TYPE, bytes(body), at);
    }

    private static byte[] bytes(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
