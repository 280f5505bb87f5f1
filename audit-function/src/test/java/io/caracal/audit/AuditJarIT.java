package io.caracal.audit;

import io.caracal.core.audit.AuditWriter;
import io.caracal.testing.ChildProcess;
import io.caracal.testing.ConsumerStart;
import io.caracal.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The audit function's runnable jar (target/caracal-audit.jar: the caracal/audit image's entrypoint and the Lambda
 * package) started on its own on an empty database with MIGRATE_ON_START=true: it joins its consumer group.
 */
class AuditJarIT {
    @Test
    void itsJarMigratesJoinsItsGroupAndStopsOnSigterm() {
        try (ChildProcess audit = ConsumerStart.fromJar("audit", AuditWriter.GROUP, Map.of())) {
            assertEquals(0, TestDatabase.pendingMigrations(ConsumerStart.database("audit")));
            assertEquals(143, audit.stop(Duration.ofSeconds(60)), "ended by SIGTERM after its shutdown hook:\n" + audit.output());
            assertEquals(List.of(), audit.errorLines(), audit.output());
        }
    }
}
