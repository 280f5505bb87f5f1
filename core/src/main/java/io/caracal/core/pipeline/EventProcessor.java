package io.caracal.core.pipeline;

import io.caracal.core.event.InvalidEventException;

import java.util.List;
import java.util.Map;

/**
 * What a consumer does with a batch of records. It processes the batch as one unit of work and returns the
 * records it refused as invalid (they go to the dead-letter queue); it throws when the work could not be done
 * (a transient failure: nothing of the batch took effect, and it may be retried). Processing the same record
 * again must change nothing: records are redelivered after crashes and replays.
 */
public interface EventProcessor {

    /** The consumer group, as it appears in dead letters and lag reports. */
    String consumerGroup();

    Map<ConsumedRecord, InvalidEventException> process(List<ConsumedRecord> records);
}
