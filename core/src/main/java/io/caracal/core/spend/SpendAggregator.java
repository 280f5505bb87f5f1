package io.caracal.core.spend;

import io.caracal.core.event.InvalidEventException;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.pipeline.ConsumedRecord;
import io.caracal.core.pipeline.EventProcessor;
import io.caracal.core.pipeline.MeteringRecords;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The metrics consumer: each metering event is added once to its agent's spend buckets in Redis, and only events
 * counted for the first time are reported to {@code counted} (the Prometheus counters), so redelivery inflates
 * neither.
 */
public final class SpendAggregator implements EventProcessor {
    public static final String GROUP = "metrics-aggregator-group";

    private final SpendAggregates aggregates;
    private final Consumer<List<MeteringEvent>> counted;

    public SpendAggregator(SpendAggregates aggregates, Consumer<List<MeteringEvent>> counted) {
        this.aggregates = aggregates;
        this.counted = counted;
    }

    @Override
    public String consumerGroup() {
        return GROUP;
    }

    @Override
    public Map<ConsumedRecord, InvalidEventException> process(List<ConsumedRecord> records) {
        Map<ConsumedRecord, InvalidEventException> rejected = new LinkedHashMap<>();
        counted.accept(aggregates.add(new ArrayList<>(MeteringRecords.decode(records, rejected).values())));
        return rejected;
    }
}
