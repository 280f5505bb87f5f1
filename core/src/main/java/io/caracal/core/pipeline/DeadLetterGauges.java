package io.caracal.core.pipeline;

import io.caracal.core.event.KafkaConnection;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code caracal_dlq_size} (the dead letters {@code caracal dlq list} shows) and {@code
 * caracal_dlq_oldest_message_age_seconds} (how long the oldest of them has waited; 0 when the queue is empty), as of
 * the last {@link #refresh}. Exported by one process kind only (the audit function, every minute), so no sum counts
 * the queue twice.
 */
public final class DeadLetterGauges {
    private final AtomicReference<List<DeadLetter>> letters = new AtomicReference<>(List.of());
    private final KafkaConnection kafka;

    public DeadLetterGauges(KafkaConnection kafka, MeterRegistry registry, Clock clock) {
        this.kafka = kafka;
        Gauge.builder("caracal.dlq.size", letters, l -> l.get().size()).description("Dead letters in the queue").register(registry);
        Gauge.builder("caracal.dlq.oldest.message.age.seconds", letters,
                        l -> l.get().isEmpty() ? 0 : Duration.between(oldest(l.get()), clock.instant()).toMillis() / 1000.0)
                .description("How long the oldest dead letter has waited").register(registry);
    }

    /** Reads the queue to its end as it is now. */
    public void refresh() {
        letters.set(DeadLetterReader.read(kafka).letters());
    }

    private static Instant oldest(List<DeadLetter> letters) {
        return letters.stream().map(DeadLetter::failedAt).min(Instant::compareTo).orElseThrow();
    }
}
