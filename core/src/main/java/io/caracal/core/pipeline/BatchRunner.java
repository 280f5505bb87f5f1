package io.caracal.core.pipeline;

import io.caracal.core.event.InvalidEventException;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a consumer's batches the same way in every shape. Invalid records go to the dead-letter queue and the rest
 * flow on. When the whole batch fails transiently it is retried with exponential backoff; if it still fails, each
 * record is tried on its own, so one bad record cannot hold back the others, and a record that keeps failing goes
 * to the dead-letter queue with its error and how often it was tried. A record {@code caracal dlq retry} sent back
 * for another consumer group is skipped ({@link Redelivery}).
 * <p>
 * In a Lambda ({@link Mode#REPORT_FAILURES}) nothing sleeps: records that failed transiently are returned, and
 * the event source mapping retries exactly those (partial batch response).
 */
public final class BatchRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BatchRunner.class);

    public enum Mode { RETRY_THEN_DEAD_LETTER, REPORT_FAILURES }

    /** How often and how patiently to retry transient failures; {@code sleeper} is injected so tests need not wait. */
    public record Retry(int attempts, Duration firstBackoff, Duration maxBackoff, Sleeper sleeper) {
        public static Retry standard() {
            return new Retry(5, Duration.ofMillis(200), Duration.ofSeconds(5), Sleeper.REAL);
        }
    }

    public interface Sleeper {
        Sleeper REAL = duration -> Thread.sleep(duration.toMillis());

        void sleep(Duration duration) throws InterruptedException;
    }

    private final EventProcessor processor;
    private final DeadLetterSink deadLetters;
    private final Retry retry;
    private final Clock clock;
    private final ConsumerMetrics metrics;

    public BatchRunner(EventProcessor processor, DeadLetterSink deadLetters, Retry retry, Clock clock, MeterRegistry registry) {
        this.processor = processor;
        this.deadLetters = deadLetters;
        this.retry = retry;
        this.clock = clock;
        this.metrics = new ConsumerMetrics(registry, processor.consumerGroup());
    }

    ConsumerMetrics metrics() {
        return metrics;
    }

    public String consumerGroup() {
        return processor.consumerGroup();
    }

    /**
     * Processes a batch. Returns the records that could not be processed now (only in {@link Mode#REPORT_FAILURES});
     * everything else has taken effect or is in the dead-letter queue. Throws when the dead-letter queue itself
     * cannot be written: then nothing may be acknowledged.
     */
    public List<ConsumedRecord> run(List<ConsumedRecord> batch, Mode mode) {
        List<ConsumedRecord> records = batch.stream().filter(r -> Redelivery.isFor(r, processor.consumerGroup())).toList();
        if (records.isEmpty()) {
            return List.of();
        }
        long started = System.nanoTime();
        try {
            return runFiltered(records, mode);
        } finally {
            metrics.processed(Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private List<ConsumedRecord> runFiltered(List<ConsumedRecord> records, Mode mode) {
        int attempts = mode == Mode.REPORT_FAILURES ? 1 : retry.attempts();
        Attempt whole = attempt(records, attempts);
        if (whole.done()) {
            deadLetter(whole.rejected);
            return List.of();
        }
        if (records.size() > 1) {
            LOG.warn("{}: a batch of {} records failed ({}); trying them one by one", processor.consumerGroup(), records.size(),
                    describe(whole.failure));
        }
        List<ConsumedRecord> failed = new ArrayList<>();
        List<DeadLetter> letters = new ArrayList<>();
        for (ConsumedRecord record : records) {
            Attempt one = records.size() == 1 ? whole : attempt(List.of(record), attempts);
            if (one.done()) {
                one.rejected.forEach((r, e) -> letters.add(letter(r, e.errorType(), e.getMessage())));
            } else if (mode == Mode.REPORT_FAILURES && Failures.isTransient(one.failure)) {
                failed.add(record);
            } else {
                letters.add(letter(record, one.failure.getClass().getSimpleName(), describe(one.failure) + " (tried " + one.tries + " times)"));
            }
        }
        deadLetters.send(letters);
        metrics.error("dead_letter", letters.size());
        return failed;
    }

    private record Attempt(Map<ConsumedRecord, InvalidEventException> rejected, RuntimeException failure, int tries) {
        boolean done() {
            return failure == null;
        }
    }

    private Attempt attempt(List<ConsumedRecord> records, int attempts) {
        Duration backoff = retry.firstBackoff();
        RuntimeException last = null;
        for (int tryNumber = 1; tryNumber <= attempts; tryNumber++) {
            try {
                return new Attempt(processor.process(records), null, tryNumber);
            } catch (RuntimeException e) {
                last = e;
                if (!Failures.isTransient(e) || tryNumber == attempts) {
                    return new Attempt(Map.of(), e, tryNumber);
                }
                metrics.error("transient", 1);
                LOG.warn("{}: transient failure (try {} of {}), retrying in {} ms: {}", processor.consumerGroup(), tryNumber, attempts,
                        backoff.toMillis(), describe(e));
                try {
                    retry.sleeper().sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return new Attempt(Map.of(), e, tryNumber);
                }
                backoff = backoff.multipliedBy(2).compareTo(retry.maxBackoff()) > 0 ? retry.maxBackoff() : backoff.multipliedBy(2);
            }
        }
        return new Attempt(Map.of(), last, attempts);
    }

    private void deadLetter(Map<ConsumedRecord, InvalidEventException> rejected) {
        if (!rejected.isEmpty()) {
            deadLetters.send(rejected.entrySet().stream()
                    .map(e -> letter(e.getKey(), e.getValue().errorType(), e.getValue().getMessage())).toList());
            metrics.error("dead_letter", rejected.size());
        }
    }

    private DeadLetter letter(ConsumedRecord record, String errorType, String message) {
        LOG.warn("{}: {} goes to the dead-letter queue: {}: {}", processor.consumerGroup(), record.position(), errorType, message);
        return DeadLetter.of(record, errorType, message, processor.consumerGroup(), clock.instant());
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message;
    }
}
