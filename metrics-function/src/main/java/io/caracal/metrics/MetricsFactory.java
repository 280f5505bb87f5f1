package io.caracal.metrics;

import io.caracal.core.config.SpendRetention;
import io.caracal.core.health.DependencyCheck;
import io.caracal.core.health.StoreChecks;
import io.caracal.core.metrics.PrometheusEndpoint;
import io.caracal.core.spend.SpendAggregates;
import io.caracal.core.store.SharedRedis;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Wires the metrics function: the Redis spend buckets, the Prometheus counters and their port (9091), its Redis health check. */
@Factory
public class MetricsFactory {

    @Singleton
    @Requires(beans = SharedRedis.class)
    SpendAggregates spendAggregates(SharedRedis redis, SpendRetention retention, Clock clock) {
        return new SpendAggregates(redis.sync(), retention.getDayRetention(), retention.getHourRetention(), clock);
    }

    @Singleton
    SpendMetrics spendMetrics() {
        return new SpendMetrics();
    }

    /** Its health port's Redis check: the spend buckets live there (see ConsumerHealthFactory). */
    @Singleton
    @Named(StoreChecks.REDIS)
    @Requires(beans = SharedRedis.class)
    DependencyCheck redisCheck(SharedRedis redis) {
        return StoreChecks.redis(redis, DependencyCheck.Fallback.NONE);
    }

    /** Prometheus for the metrics function, on its own port (a negative port turns it off, 0 picks a free one). */
    @Context
    @Named("metrics-function")
    @Requires(property = "caracal.consumers.metrics-aggregator.metrics-port", pattern = "\\d+")
    @Bean(preDestroy = "close")
    PrometheusEndpoint metricsFunctionServer(SpendMetrics metrics, @Value("${caracal.consumers.metrics-aggregator.metrics-port}") int port,
                                        @Value("${caracal.consumers.metrics-aggregator.metrics-host:0.0.0.0}") String host) {
        return new PrometheusEndpoint(metrics::scrape, host, port);
    }
}
