package io.caracal.core.pipeline;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.caracal.core.event.InvalidEventException;
import org.junit.jupiter.api.Test;

import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retry and dead-letter rules, with a processor whose failures the test chooses. */
class BatchRunnerTest {
    private final List<Duration> slept = new ArrayList<>();
    private final List<DeadLetter> dlq = new ArrayList<>();
    private final Set<Long> done = new HashSet<>();

    /** Fails transiently while any record of the batch is in {@code down}; refuses the offsets in {@code invalid}. */
    private final class Processor implements EventProcessor {
        final Set<Long> down = new HashSet<>();
        final Set<Long> invalid = new HashSet<>();
        int calls;

        @Override
        public String consumerGroup() {
            return "test-group";
        }

        @Override
        public Map<ConsumedRecord, InvalidEventException> process(List<ConsumedRecord> records) {
            calls++;
            if (records.stream().anyMatch(r -> down.contains(r.offset()))) {
                throw new RuntimeException("store down", new SQLTransientConnectionException("connection refused", "08006"));
            }
            Map<ConsumedRecord, InvalidEventException> rejected = new LinkedHashMap<>();
            for (ConsumedRecord r : records) {
                if (invalid.contains(r.offset())) {
                    rejected.put(r, new InvalidEventException(InvalidEventException.NEGATIVE_AMOUNT, "amount is negative"));
                } else {
                    done.add(r.offset());
                }
            }
            return rejected;
        }
    }

    private BatchRunner runner(Processor processor) {
        return new BatchRunner(processor, dlq::addAll, new BatchRunner.Retry(3, Duration.ofMillis(100), Duration.ofMillis(150), slept::add),
                Clock.fixed(Instant.parse("2026-11-23T00:00:00Z"), ZoneOffset.UTC), new SimpleMeterRegistry());
    }

    private static List<ConsumedRecord> records(int n) {
        List<ConsumedRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(new ConsumedRecord("t", 0, i, "k", new byte[]{(byte) i}, Map.of(), 0));
        }
        return records;
    }

    @Test
    void invalidRecordsGoToTheDeadLetterQueueAndTheRestIsDone() {
        Processor processor = new Processor();
        processor.invalid.add(2L);
        assertTrue(runner(processor).run(records(5), BatchRunner.Mode.RETRY_THEN_DEAD_LETTER).isEmpty());
        assertEquals(Set.of(0L, 1L, 3L, 4L), done);
        assertEquals(1, dlq.size());
        assertEquals("NegativeAmount", dlq.get(0).errorType());
        assertEquals(0, dlq.get(0).retryCount());
        assertEquals("test-group", dlq.get(0).consumerGroup());
    }

    @Test
    void aRecordThatKeepsFailingIsIsolatedRetriedWithBackoffThenDeadLettered() {
        Processor processor = new Processor();
        processor.down.add(3L);
        assertTrue(runner(processor).run(records(5), BatchRunner.Mode.RETRY_THEN_DEAD_LETTER).isEmpty());
        assertEquals(Set.of(0L, 1L, 2L, 4L), done, "the records around the failing one flow on");
        assertEquals(1, dlq.size());
        assertEquals(3, dlq.get(0).original().offset());
        assertEquals(0, dlq.get(0).retryCount(), "never sent back by caracal dlq retry");
        assertTrue(dlq.get(0).errorMessage().contains("store down") && dlq.get(0).errorMessage().endsWith("(tried 3 times)"),
                dlq.get(0).errorMessage());
        // Whole batch: 3 tries, 2 sleeps (100, 150 capped); record 3 alone: 3 tries, 2 sleeps.
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(150), Duration.ofMillis(100), Duration.ofMillis(150)), slept);
    }

    @Test
    void aTransientFailureThatClearsIsRetriedWithoutDeadLetters() {
        Processor processor = new Processor();
        processor.down.add(1L);
        BatchRunner runner = new BatchRunner(processor, dlq::addAll, new BatchRunner.Retry(3, Duration.ofMillis(100), Duration.ofSeconds(1), d -> {
            slept.add(d);
            processor.down.clear(); // the database is back after the first wait
        }), Clock.systemUTC(), new SimpleMeterRegistry());
        assertTrue(runner.run(records(3), BatchRunner.Mode.RETRY_THEN_DEAD_LETTER).isEmpty());
        assertEquals(Set.of(0L, 1L, 2L), done);
        assertTrue(dlq.isEmpty());
        assertEquals(2, processor.calls);
    }

    @Test
    void inALambdaTransientFailuresAreReportedNotSleptOn() {
        Processor processor = new Processor();
        processor.down.add(1L);
        processor.invalid.add(2L);
        List<ConsumedRecord> failed = runner(processor).run(records(4), BatchRunner.Mode.REPORT_FAILURES);
        assertEquals(List.of(1L), failed.stream().map(ConsumedRecord::offset).toList());
        assertEquals(Set.of(0L, 3L), done);
        assertEquals(1, dlq.size(), "the invalid record is dead-lettered, not reported");
        assertTrue(slept.isEmpty());
    }

    @Test
    void whenTheDeadLetterQueueCannotBeWrittenNothingIsAcknowledged() {
        Processor processor = new Processor();
        processor.invalid.add(0L);
        BatchRunner runner = new BatchRunner(processor, letters -> {
            throw new IllegalStateException("dlq down");
        }, BatchRunner.Retry.standard(), Clock.systemUTC(), new SimpleMeterRegistry());
        assertThrows(IllegalStateException.class, () -> runner.run(records(2), BatchRunner.Mode.RETRY_THEN_DEAD_LETTER));
    }
}
