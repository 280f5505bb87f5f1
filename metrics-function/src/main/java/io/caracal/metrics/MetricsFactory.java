package io.caracal.metrics;

import io.caracal.core.config.SpendRetention;
import io.caracal.core.health.DependencyCheck;
import io.caracal.core.health.StoreChecks;
import io.caracal.core.spend.SpendAggregates;
import io.caracal.core.store.SharedRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Wires the metrics function: the Redis spend buckets, the spend meters (served on METRICS_PORT, 9091, by MetricsEndpointFactory) and its Redis health check. */
@Factory
public class MetricsFactory {

    @Singleton
    @Requires(beans = SharedRedis.class)
    SpendAggregates spendAggregates(SharedRedis redis, SpendRetention retention, Clock clock) {
        return new SpendAggregates(redis.sync(), retention.getDayRetention(), retention.getHourRetention(), clock);
    }

    @Singleton
    SpendMetrics spendMetrics(MeterRegistry registry, @Value("${caracal.metrics.agent-series-limit:100}") int agentSeriesLimit) {
        return new SpendMetrics(registry, agentSeriesLimit);
    }

    /** Its health port's Redis check: the spend buckets live there (see ConsumerHealthFactory). */
    @Singleton
    @Named(StoreChecks.REDIS)
    @Requires(beans = SharedRedis.class)
    DependencyCheck redisCheck(SharedRedis redis) {
        return StoreChecks.redis(redis, DependencyCheck.Fallback.NONE);
    }
}
