package io.caracal.core.config;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.event.EventCodec;
import io.caracal.core.event.SchemaRegistryClient;
import io.caracal.core.pipeline.KafkaDeadLetterSink;
import io.caracal.core.store.ChangeFeed;
import io.caracal.core.store.Database;
import io.caracal.core.store.DatabaseOutage;
import io.caracal.core.store.RedisSettings;
import io.caracal.core.store.SharedRedis;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.value.PropertyResolver;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The connections every Caracal process shares, whichever functions it runs: one Redis connection, one dead-letter
 * producer, the schema registry, the change feed.
 */
@Factory
public class ServicesFactory {
    private static final String REDIS = "caracal.redis";

    /**
     * As {@code caracal.redis.*} say (REDIS_URL, or REDIS_HOST and the rest: application-services.yml); the names
     * under the prefix are those {@link RedisSettings#resolve} reads, as the CLI reads them from its environment.
     */
    @Singleton
    @Requires(property = REDIS)
    @Bean(preDestroy = "close")
    SharedRedis redis(PropertyResolver properties) {
        return SharedRedis.connect(RedisSettings.resolve(name -> properties.get(REDIS + "." + name, String.class).orElse(null))
                .orElseThrow(() -> new InvalidInputException("no Redis configured: set REDIS_URL or REDIS_HOST")));
    }

    /**
     * What the gateway's request path and the ledger consumer read from memory is invalidated by this feed. Made when
     * one of them first needs it: a process running neither (the CLI) opens no listening connection.
     */
    @Singleton
    @Bean(preDestroy = "close")
    ChangeFeed changeFeed(Database database, DatabaseOutage outage) {
        return new ChangeFeed(database.dataSource(), outage).start();
    }

    /** Shared by the caches and the gateway's writer: one of them finding PostgreSQL unreachable spares the others the wait. */
    @Singleton
    DatabaseOutage databaseOutage(Clock clock) {
        return new DatabaseOutage(clock);
    }

    /**
     * The schema registry of SCHEMA_REGISTRY_URL, made at start-up so that the consumers read records framed for it
     * from their first batch on. Producers find it in {@link KafkaSettings#connection()}.
     */
    @Context
    @Requires(property = KafkaSettings.SCHEMA_REGISTRY_URL, pattern = ".+")
    SchemaRegistryClient schemaRegistry(KafkaSettings kafka) {
        SchemaRegistryClient registry = SchemaRegistryClient.at(kafka.getSchemaRegistryUrl());
        EventCodec.resolveSchemaIdsWith(registry);
        return registry;
    }

    @Singleton
    @Requires(property = KafkaSettings.BOOTSTRAP_SERVERS, pattern = ".+")
    @Bean(preDestroy = "close")
    KafkaDeadLetterSink deadLetterSink(KafkaSettings kafka) {
        return new KafkaDeadLetterSink(kafka.connection());
    }
}
