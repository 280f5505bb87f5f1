package io.caracal.audit;

import io.caracal.core.audit.AuditWriter;
import io.caracal.core.event.Topics;
import io.caracal.core.pipeline.BatchRunner;
import io.caracal.core.pipeline.FunctionLauncher;
import io.caracal.core.pipeline.KafkaBatches;
import io.caracal.core.audit.AuditStore;
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

/** The audit consumer in a container: every event topic (not the dead-letter queue), offsets committed after the audit commit. */
@Requires(property = "caracal.consumers.audit-logger.enabled", value = "true")
@KafkaListener(groupId = AuditWriter.GROUP, batch = true, offsetReset = OffsetReset.EARLIEST, offsetStrategy = OffsetStrategy.DISABLED,
        properties = {@Property(name = ConsumerConfig.MAX_POLL_RECORDS_CONFIG, value = "500"),
                @Property(name = ConsumerConfig.ISOLATION_LEVEL_CONFIG, value = "read_committed")})
public class AuditListener {
    private final BatchRunner runner;

    AuditListener(ApplicationContext context, AuditStore audit) {
        this.runner = FunctionLauncher.runner(context, new AuditWriter(audit));
    }

    @Topic({Topics.METERING, Topics.POLICY_DECISIONS, Topics.AGENT_LIFECYCLE, Topics.POLICY_CHANGES})
    void receive(ConsumerRecords<String, byte[]> records, Consumer<?, ?> consumer) {
        KafkaBatches.handle(records, consumer, runner);
    }
}
