package io.caracal.core.event;

import java.util.List;

/** The Kafka topics of the seeds; every event is keyed by its agent id, so one agent's events stay in order. */
public final class Topics {
    public static final String METERING = "caracal.metering.events";
    public static final String POLICY_DECISIONS = "caracal.policy.decisions";
    public static final String AGENT_LIFECYCLE = "caracal.agent.lifecycle";
    public static final String POLICY_CHANGES = "caracal.policy.changes";
    public static final String DLQ = "caracal.dlq";
    public static final List<String> ALL = List.of(METERING, POLICY_DECISIONS, AGENT_LIFECYCLE, POLICY_CHANGES, DLQ);

    private Topics() {
    }
}
