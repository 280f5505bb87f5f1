package io.caracal.core.policy;

import io.caracal.core.event.AvroFields;
import io.caracal.core.event.EventSchemas;
import io.caracal.core.event.OutboxEvent;
import io.caracal.core.event.Topics;
import io.caracal.core.money.Money;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.time.Instant;
import java.util.UUID;

/** The policy-change events the policy store publishes with each new version of a policy. */
public final class PolicyEvents {
    private PolicyEvents() {
    }

    /** What a policy-change event reports. */
    public record ChangeFacts(UUID agentId, UUID policyId, int version, String changeType, String changedBy, String changeReason,
                              Money limit, String timeWindow, String windowType, boolean active) {
    }

    /** A new version of a budget policy. */
    public static OutboxEvent change(ChangeFacts change, Instant at) {
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
}
