package io.caracal.testing;

import io.caracal.embedded.EmbeddedPostgresServer;
import io.caracal.embedded.SharedServices;

import java.util.Map;

/**
 * The environment variables of docs/configuration.md that connect a Caracal process of its own (a runnable jar, as
 * its container runs it) to the shared embedded PostgreSQL, Redis and Kafka.
 */
public final class ServiceEnvironment {
    private ServiceEnvironment() {
    }

    /** The connections, on {@code database}, which the caller creates (migrated or not). */
    public static Map<String, String> of(String database) {
        EmbeddedPostgresServer postgres = SharedServices.postgres();
        return Map.of("DB_HOST", postgres.host(), "DB_PORT", Integer.toString(postgres.port()), "DB_NAME", database,
                "DB_USER", EmbeddedPostgresServer.USER, "DB_PASSWORD", "", "REDIS_URL", SharedServices.redis().uri(),
                "KAFKA_BOOTSTRAP_SERVERS", SharedServices.kafka().bootstrapServers());
    }
}
