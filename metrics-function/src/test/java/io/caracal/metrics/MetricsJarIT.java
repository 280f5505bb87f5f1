package io.caracal.metrics;

import io.caracal.core.spend.SpendAggregator;
import io.caracal.embedded.FreePorts;
import io.caracal.testing.ChildProcess;
import io.caracal.testing.ConsumerStart;
import io.caracal.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The metrics function's runnable jar (target/caracal-metrics.jar: the caracal/metrics image's entrypoint and the
 * Lambda package) started on its own on an empty database with MIGRATE_ON_START=true: it joins its consumer group
 * and serves Prometheus on METRICS_PORT, the port its Kubernetes Service scrapes.
 */
class MetricsJarIT {
    @Test
    void itsJarMigratesJoinsItsGroupServesMetricsAndStopsOnSigterm() {
        int port = FreePorts.next();
        try (ChildProcess metrics = ConsumerStart.fromJar("metrics", SpendAggregator.GROUP,
                Map.of("METRICS_PORT", Integer.toString(port), "METRICS_HOST", "127.0.0.1"))) {
            metrics.awaitOk(URI.create("http://127.0.0.1:" + port + "/metrics"), Duration.ofSeconds(30));
            assertEquals(0, TestDatabase.pendingMigrations(ConsumerStart.database("metrics")));
            assertEquals(143, metrics.stop(Duration.ofSeconds(60)), "ended by SIGTERM after its shutdown hook:\n" + metrics.output());
            assertEquals(List.of(), metrics.errorLines(), metrics.output());
        }
    }
}
