package io.caracal.core.ledger;

import io.caracal.core.event.EventSchemas;
import io.caracal.core.event.InvalidEventException;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.pipeline.ConsumedRecord;
import io.caracal.core.pipeline.EventProcessor;
import io.caracal.core.store.LedgerStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger consumer: each metering event becomes one ledger row (keyed by event id) and settles its hold, the
 * whole batch in one PostgreSQL transaction. Redelivered and replayed events find their row and change nothing.
 */
public final class LedgerWriter implements EventProcessor {
    public static final String GROUP = "ledger-writer-group";

    private final LedgerStore ledger;

    public LedgerWriter(LedgerStore ledger) {
        this.ledger = ledger;
    }

    @Override
    public String consumerGroup() {
        return GROUP;
    }

    @Override
    public Map<ConsumedRecord, InvalidEventException> process(List<ConsumedRecord> records) {
        Map<ConsumedRecord, InvalidEventException> rejected = new LinkedHashMap<>();
        List<ConsumedRecord> decoded = new ArrayList<>();
        List<MeteringEvent> events = new ArrayList<>();
        for (ConsumedRecord record : records) {
            try {
                events.add(MeteringEvent.from(record.decode(EventSchemas.METERING)));
                decoded.add(record);
            } catch (InvalidEventException e) {
                rejected.put(record, e);
            }
        }
        ledger.write(events).rejected().forEach((index, problem) -> rejected.put(decoded.get(index), problem));
        return rejected;
    }
}
