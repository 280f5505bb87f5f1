package io.caracal.core.config;

import io.caracal.core.health.DependencyCheck;
import io.caracal.core.health.HealthEndpoint;
import io.caracal.core.health.Readiness;
import io.caracal.core.health.StoreChecks;
import io.caracal.core.pipeline.ConsumerMembership;
import io.caracal.core.pipeline.FunctionLauncher;
import io.caracal.core.store.Database;
import io.micronaut.configuration.kafka.ConsumerRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.consumer.Consumer;

import java.time.Clock;
import java.util.List;

/**
 * The consumer functions' health port (HEALTH_PORT, 8080; a negative port turns it off, 0 picks a free one): ready
 * when the Kafka consumers are in their groups and the stores the function uses answer: PostgreSQL for the ledger
 * and audit functions, and any other {@link DependencyCheck} bean a function adds (the metrics function's Redis).
 * Not in Lambda, which has no port and no consumer of its own.
 */
@Factory
@Requires(property = ConsumerHealthFactory.PORT, pattern = "\\d+")
@Requires(notEnv = FunctionLauncher.LAMBDA)
public class ConsumerHealthFactory {
    public static final String PORT = "caracal.consumers.health-port";

    /** The ledger and audit functions write PostgreSQL; the metrics function has no database (its Redis check is its own). */
    @Singleton
    @Named(StoreChecks.DATABASE)
    @Requires(env = {"ledger", "audit"})
    DependencyCheck databaseCheck(Database database) {
        return StoreChecks.database(database, DependencyCheck.Fallback.NONE);
    }

    @Singleton
    @Named(ConsumerMembership.NAME)
    DependencyCheck kafkaCheck(ConsumerRegistry consumers) {
        return ConsumerMembership.check(() -> consumers.getConsumerIds().stream().<Consumer<?, ?>>map(consumers::getConsumer).toList());
    }

    @Context // created at start-up, so uptime counts from then
    @Bean(preDestroy = "close")
    HealthEndpoint healthEndpoint(List<DependencyCheck> checks, Clock clock, @Value("${" + PORT + "}") int port,
                                  @Value("${caracal.consumers.health-host:0.0.0.0}") String host) {
        return new HealthEndpoint(new Readiness(checks, clock), host, port);
    }
}
