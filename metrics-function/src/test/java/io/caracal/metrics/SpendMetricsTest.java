package io.caracal.metrics;

import io.caracal.core.event.MeteringEvent;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Per-agent spend series are bounded: agents past the limit are summed under agent_id="other", and the sum is still every event's cost. */
class SpendMetricsTest {
    @Test
    void agentsPastTheLimitShareOneSeriesAndTheSumStaysRight() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SpendMetrics metrics = new SpendMetrics(registry, 2);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        UUID d = UUID.randomUUID();
        metrics.counted(List.of(event(a, "1.25"), event(b, "2"), event(c, "3"), event(a, "0.75"), event(d, "4")));

        Map<String, Double> byAgent = registry.find("caracal_spending").counters().stream()
                .collect(Collectors.toMap(counter -> counter.getId().getTag("agent_id"), Counter::count));
        assertEquals(Set.of(a.toString(), b.toString(), SpendMetrics.OTHER), byAgent.keySet());
        assertEquals(2.0, byAgent.get(a.toString()));
        assertEquals(7.0, byAgent.get(SpendMetrics.OTHER));
        assertEquals(11.0, byAgent.values().stream().mapToDouble(Double::doubleValue).sum());
    }

    private static MeteringEvent event(UUID agent, String cost) {
        return new MeteringEvent(UUID.randomUUID(), agent, null, new Money(new BigDecimal(cost), new CurrencyCode("USD")),
                Instant.parse("2026-11-22T10:00:00Z"), null, Map.of(), Map.of());
    }
}
