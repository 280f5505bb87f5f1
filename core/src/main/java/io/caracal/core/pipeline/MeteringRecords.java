package io.caracal.core.pipeline;

import io.caracal.core.event.EventSchemas;
import io.caracal.core.event.InvalidEventException;
import io.caracal.core.event.MeteringEvent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading a batch of records as metering events: what the ledger and the metrics consumers both start with. */
public final class MeteringRecords {
    private MeteringRecords() {
    }

    /** The valid metering events by record, in batch order; every other record is put in {@code rejected} with why. */
    public static Map<ConsumedRecord, MeteringEvent> decode(List<ConsumedRecord> records, Map<ConsumedRecord, InvalidEventException> rejected) {
        Map<ConsumedRecord, MeteringEvent> events = new LinkedHashMap<>();
        for (ConsumedRecord record : records) {
            try {
                events.put(record, MeteringEvent.from(record.decode(EventSchemas.METERING)));
            } catch (InvalidEventException e) {
                rejected.put(record, e);
            }
        }
        return events;
    }
}
