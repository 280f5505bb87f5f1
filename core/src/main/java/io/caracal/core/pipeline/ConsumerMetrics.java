package io.caracal.core.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One consumer group's meters, under the runbook's names (seeds 002 and 003):
 * {@code caracal_kafka_message_processing_duration_seconds{consumer_group}} (one polled batch, start to finish),
 * {@code caracal_kafka_consumer_errors_total{consumer_group,reason}} (reason: transient, a failure retried;
 * dead_letter, a record sent to the dead-letter queue; batch_failed, a batch read again because the queue could not
 * be written), and the lag of each assigned partition after a batch is committed, under both names the seeds'
 * alerts use: {@code caracal_kafka_consumer_lag} and {@code kafka_consumer_lag}, labelled consumer_group, topic and
 * partition. Lag is set after each batch: while nothing arrives it keeps its last value, which is right, since
 * the consumer then has read everything.
 */
public final class ConsumerMetrics {
    private static final List<String> REASONS = List.of("transient", "dead_letter", "batch_failed");

    private final MeterRegistry registry;
    private final String group;
    private final Timer processing;
    private final Map<TopicPartition, AtomicLong> lags = new ConcurrentHashMap<>();

    ConsumerMetrics(MeterRegistry registry, String group) {
        this.registry = registry;
        this.group = group;
        this.processing = Timer.builder("caracal.kafka.message.processing.duration").description("Time to process one polled batch")
                .tag("consumer_group", group).publishPercentileHistogram().register(registry);
        // Every reason from the start, at 0: an alert on their rate sees a series before the first failure.
        REASONS.forEach(this::errors);
    }

    void processed(Duration took) {
        processing.record(took);
    }

    void error(String reason, int count) {
        errors(reason).increment(count);
    }

    private Counter errors(String reason) {
        return Counter.builder("caracal.kafka.consumer.errors").description("Consumer failures: retried, dead-lettered, or batches read again")
                .tags("consumer_group", group, "reason", reason).register(registry);
    }

    /** The records between the consumer's position and the end of each partition it is assigned. */
    void lag(Consumer<?, ?> consumer) {
        for (TopicPartition partition : consumer.assignment()) {
            consumer.currentLag(partition).ifPresent(lag -> lags.computeIfAbsent(partition, this::registerLag).set(lag));
        }
    }

    private AtomicLong registerLag(TopicPartition partition) {
        AtomicLong lag = new AtomicLong();
        Tags tags = Tags.of("consumer_group", group, "topic", partition.topic(), "partition", Integer.toString(partition.partition()));
        for (String name : new String[]{"caracal.kafka.consumer.lag", "kafka.consumer.lag"}) {
            Gauge.builder(name, lag, AtomicLong::get).description("Records not yet consumed").tags(tags).register(registry);
        }
        return lag;
    }
}
