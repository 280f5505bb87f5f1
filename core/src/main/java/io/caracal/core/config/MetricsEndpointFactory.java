package io.caracal.core.config;

import io.caracal.core.metrics.PrometheusEndpoint;
import io.caracal.core.metrics.PrometheusText;
import io.caracal.core.pipeline.FunctionLauncher;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;

/**
 * Every process's {@code GET /metrics} on its metrics port (METRICS_PORT: the gateway's 9090, the metrics function's
 * 9091, the ledger's 9092, the audit function's 9093; a negative port turns it off, 0 picks a free one), serving the
 * registry micronaut-micrometer manages, with its JVM, Hikari, Kafka-client and executor binders. A port of its own
 * and not Micronaut's management endpoint: the consumer functions have no HTTP server to mount an endpoint on, and
 * one small server for all four processes keeps them alike. Not in Lambda, where nothing could scrape a port.
 */
@Factory
@Requires(property = MetricsEndpointFactory.PORT, pattern = "\\d+")
@Requires(notEnv = FunctionLauncher.LAMBDA)
@Requires(beans = PrometheusMeterRegistry.class)
public class MetricsEndpointFactory {
    public static final String PORT = "caracal.metrics.port";

    @Context
    @Bean(preDestroy = "close")
    PrometheusEndpoint metricsEndpoint(PrometheusMeterRegistry registry, @Value("${" + PORT + "}") int port,
                                       @Value("${caracal.metrics.host:0.0.0.0}") String host) {
        return new PrometheusEndpoint(() -> PrometheusText.scrape(registry), host, port);
    }
}
