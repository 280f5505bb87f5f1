package io.caracal.core.pipeline;

import io.caracal.core.health.DependencyCheck;
import io.caracal.core.health.DependencyDownException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Kafka check of a consumer function's readiness: each of its consumers is still a member of its group and
 * polling, by the rules the group coordinator applies (a member that sends no heartbeat for the session timeout,
 * or does not poll for the maximum poll interval, is removed). Read from the consumers' own metrics, the one part
 * of a consumer other threads may read while its poll loop runs; no broker round trip. A consumer that is a member
 * with no partition (more replicas than partitions) is ready: it takes over when another leaves.
 */
public final class ConsumerMembership {
    public static final String NAME = "kafka";
    /** Kafka's defaults, which Caracal's consumers keep: session.timeout.ms and max.poll.interval.ms. */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(45);
    static final Duration MAX_POLL_INTERVAL = Duration.ofMinutes(5);

    private ConsumerMembership() {
    }

    public static DependencyCheck check(Supplier<Collection<Consumer<?, ?>>> consumers) {
        return new DependencyCheck(NAME, () -> {
            Collection<Consumer<?, ?>> running = consumers.get();
            if (running.isEmpty()) {
                throw new DependencyDownException("no Kafka consumer running");
            }
            for (Consumer<?, ?> consumer : running) {
                Map<MetricName, ? extends Metric> metrics = consumer.metrics();
                if (!within(metrics, "last-heartbeat-seconds-ago", SESSION_TIMEOUT)) {
                    throw new DependencyDownException("consumer not in its group (no heartbeat within the session timeout)");
                }
                if (!within(metrics, "last-poll-seconds-ago", MAX_POLL_INTERVAL)) {
                    throw new DependencyDownException("consumer not polling (no poll within max.poll.interval.ms)");
                }
            }
        }, DependencyCheck.Fallback.NONE);
    }

    /**
     * Whether a "seconds ago" metric is at most {@code bound}. Never measured (before the first heartbeat or poll)
     * the client reports NaN or -1, and a missing metric says nothing either: both are not within.
     */
    private static boolean within(Map<MetricName, ? extends Metric> metrics, String name, Duration bound) {
        return metrics.entrySet().stream().filter(e -> e.getKey().name().equals(name))
                .map(e -> e.getValue().metricValue()).filter(Number.class::isInstance)
                .mapToDouble(v -> ((Number) v).doubleValue())
                .anyMatch(ago -> ago >= 0 && ago <= bound.toSeconds());
    }
}
