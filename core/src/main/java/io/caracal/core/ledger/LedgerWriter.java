package io.caracal.core.ledger;

import io.caracal.core.event.InvalidEventException;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.pipeline.ConsumedRecord;
import io.caracal.core.pipeline.EventProcessor;
import io.caracal.core.pipeline.MeteringRecords;

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
        Map<ConsumedRecord, MeteringEvent> valid = MeteringRecords.decode(records, rejected);
        List<ConsumedRecord> decoded = new ArrayList<>(valid.keySet());
        ledger.write(new ArrayList<>(valid.values())).rejected().forEach((index, problem) -> rejected.put(decoded.get(index), problem));
        return rejected;
    }
}
