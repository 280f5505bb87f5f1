package io.caracal.metrics;

import io.caracal.core.event.MeteringEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The seeds' spend metrics: {@code caracal_spending_total{agent_id,currency}} and
 * {@code caracal_metering_events_processed_total{agent_id}}, counted only for events Redis had not counted
 * before, so redelivery does not inflate them. This function alone exports {@code caracal_spending_total} (the
 * gateway's charges are {@code caracal_gateway_charged_total}), so {@code sum(caracal_spending_total)} is the spend.
 * The first {@code agentSeriesLimit} agents this process meets get series of their own (METRICS_AGENT_SERIES_LIMIT);
 * every later one is counted under {@code agent_id="other"}, so the series stay bounded and the sums stay right.
 * Prometheus values are floating point: they are for graphs and alerts; the exact figures are the ledger and the
 * Redis buckets.
 */
public final class SpendMetrics {
    static final String OTHER = "other";

    private final MeterRegistry registry;
    private final int agentSeriesLimit;
    private final Set<String> labelled = ConcurrentHashMap.newKeySet();

    public SpendMetrics(MeterRegistry registry, int agentSeriesLimit) {
        this.registry = registry;
        this.agentSeriesLimit = agentSeriesLimit;
    }

    public void counted(List<MeteringEvent> events) {
        for (MeteringEvent event : events) {
            String agent = label(event.agentId().toString());
            Counter.builder("caracal_spending").description("Spend per agent, from metering events").baseUnit(null)
                    .tags("agent_id", agent, "currency", event.cost().currency().code()).register(registry)
                    .increment(event.cost().amount().doubleValue());
            Counter.builder("caracal_metering_events_processed").description("Metering events counted per agent")
                    .tags("agent_id", agent).register(registry).increment();
        }
    }

    private String label(String agent) {
        if (labelled.contains(agent)) {
            return agent;
        }
        synchronized (labelled) {
            if (labelled.size() < agentSeriesLimit) {
                labelled.add(agent);
            }
            return labelled.contains(agent) ? agent : OTHER;
        }
    }
}
