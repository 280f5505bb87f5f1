package io.caracal.core.agent;

import io.caracal.core.event.AvroFields;
import io.caracal.core.event.EventSchemas;
import io.caracal.core.event.OutboxEvent;
import io.caracal.core.event.Topics;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** The agent lifecycle events the agent store publishes with each change. */
public final class AgentEvents {
    private AgentEvents() {
    }

    /**
     * An administrative change to an agent. The details are the agent's fields after the change plus
     * {@code extra} (which key, for key events); never key material, so the event can travel and be kept anywhere.
     */
    public static OutboxEvent lifecycle(Agent agent, LifecycleEvent kind, String changedBy, Map<String, String> extra, Instant at) {
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
}
