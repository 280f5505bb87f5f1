package io.caracal.ledger;

import io.caracal.core.health.HealthEndpoint;
import io.caracal.embedded.SharedServices;
import io.caracal.testing.ConsumerHealth;
import io.caracal.testing.TcpRelay;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.Set;

/** The ledger function as its container runs it answers /health and /ready on its health port, and /ready 503 without PostgreSQL. */
class LedgerHealthTest {
    @Test
    void healthAndReadinessTellTheTruth() throws Exception {
        try (TcpRelay relay = new TcpRelay(SharedServices.postgres().port());
             ApplicationContext context = ApplicationContext.builder().environments("services", "ledger")
                     .properties(ConsumerHealth.properties("ledger_health", ConsumerHealth.databaseThrough(relay, "ledger_health"))).start()) {
            ConsumerHealth.assertTellsTheTruth(context.getBean(HealthEndpoint.class).port(), Set.of("database", "kafka"), "database", relay);
        }
    }
}
