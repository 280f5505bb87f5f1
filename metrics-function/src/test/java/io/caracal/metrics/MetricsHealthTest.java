package io.caracal.metrics;

import io.caracal.core.health.HealthEndpoint;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.ConsumerHealth;
import io.caracal.testing.TcpRelay;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.Set;

/** The metrics function as its container runs it answers /health and /ready on its health port, and /ready 503 without Redis (it has no database). */
class MetricsHealthTest {
    @Test
    void healthAndReadinessTellTheTruth() throws Exception {
        try (TcpRelay relay = new TcpRelay(SharedServices.redis().port());
             ApplicationContext context = ApplicationContext.builder().environments("services", "metrics")
                     .properties(ConsumerHealth.properties("metrics_health", ConsumerHealth.redisThrough(relay))).start()) {
            ConsumerHealth.assertTellsTheTruth(context.getBean(HealthEndpoint.class).port(), Set.of("redis", "kafka"), "redis", relay);
        }
    }
}
