package io.caracal.metrics;

import io.caracal.core.event.MeteringEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.List;

/**
 * The seeds' spend metrics: {@code caracal_spending_total{agent_id,currency}} and
 * {@code caracal_metering_events_processed_total{agent_id}}, counted only for events Redis had not counted
 * before, so redelivery does not inflate them. Prometheus values are floating point: they are for graphs and
 * alerts; the exact figures are the ledger and the Redis buckets.
 */
public final class SpendMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public void counted(List<MeteringEvent> events) {
        for (MeteringEvent event : events) {
            String agent = event.agentId().toString();
            Counter.builder("caracal_spending").description("Spend per agent, from metering events").baseUnit(null)
                    .tags("agent_id", agent, "currency", event.cost().currency().code()).register(registry)
                    .increment(event.cost().amount().doubleValue());
            Counter.builder("caracal_metering_events_processed").description("Metering events counted per agent")
                    .tags("agent_id", agent).register(registry).increment();
        }
    }

    public String scrape() {
        return registry.scrape();
    }
}
