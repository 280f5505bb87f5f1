package io.caracal.audit;

import io.caracal.core.config.KafkaSettings;
import io.caracal.core.pipeline.DeadLetterGauges;
import io.caracal.core.pipeline.FunctionLauncher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * The dead-letter queue's gauges ({@link DeadLetterGauges}), refreshed every minute by the audit function: the one
 * process kind that exports them. Not in Lambda, where nothing would scrape them between invocations.
 */
@Singleton
@Requires(property = "caracal.consumers.audit-logger.enabled", value = "true")
@Requires(notEnv = FunctionLauncher.LAMBDA)
public class DeadLetterGaugesJob {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterGaugesJob.class);

    private final DeadLetterGauges gauges;

    DeadLetterGaugesJob(KafkaSettings kafka, MeterRegistry registry, Clock clock) {
        this.gauges = new DeadLetterGauges(kafka.connection(), registry, clock);
    }

    @Scheduled(fixedDelay = "${caracal.dlq.gauge-interval:60s}", initialDelay = "1s")
    void refresh() {
        try {
            gauges.refresh();
        } catch (RuntimeException e) {
            // The gauges keep their last values; the next minute reads again.
            LOG.warn("dead-letter queue: could not read it for its gauges: {}", e.getMessage());
        }
    }
}
