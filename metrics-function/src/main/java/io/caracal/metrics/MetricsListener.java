package io.caracal.metrics;

import io.caracal.core.event.Topics;
import io.caracal.core.pipeline.BatchRunner;
import io.caracal.core.pipeline.FunctionLauncher;
import io.caracal.core.pipeline.KafkaBatches;
import io.caracal.core.spend.SpendAggregator;
import io.caracal.core.spend.SpendAggregates;
import io.micronaut.configuration.kafka.annotation.KafkaListener;
import io.micronaut.configuration.kafka.annotation.OffsetReset;
import io.micronaut.configuration.kafka.annotation.OffsetStrategy;
import io.micronaut.configuration.kafka.annotation.Topic;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/** The metrics consumer in a container: metering events into Redis spend buckets and Prometheus counters. */
@Requires(property = "caracal.consumers.metrics-aggregator.enabled", value = "true")
@KafkaListener(groupId = SpendAggregator.GROUP, batch = true, offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.DISABLED,
        properties = {@Property(name = ConsumerConfig.MAX_POLL_RECORDS_CONFIG, value = "500"),
                @Property(name = ConsumerConfig.ISOLATION_LEVEL_CONFIG, value = "read_committed")})
public class MetricsListener {
    private final BatchRunner runner;

    MetricsListener(ApplicationContext context, SpendAggregates aggregates, SpendMetrics metrics) {
        this.runner = FunctionLauncher.runner(context, new SpendAggregator(aggregates, metrics::counted));
    }

    @Topic(Topics.METERING)
    void receive(ConsumerRecords<String, byte[]> records, Consumer<?, ?> consumer) {
        KafkaBatches.handle(records, consumer, runner);
    }
}
