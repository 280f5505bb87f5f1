package io.caracal.core.config;

import io.caracal.core.pipeline.KafkaDeadLetterSink;
import io.caracal.core.store.SharedRedis;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/** The connections every Caracal process shares, whichever functions it runs: one Redis connection, one dead-letter producer. */
@Factory
public class ServicesFactory {

    /** One server, or with {@code caracal.redis.cluster} (REDIS_CLUSTER) a Redis Cluster seeded by the same URI. */
    @Singleton
    @Requires(property = "caracal.redis.uri")
    @Bean(preDestroy = "close")
    SharedRedis redis(@Value("${caracal.redis.uri}") String uri, @Value("${caracal.redis.cluster:false}") boolean cluster) {
        return SharedRedis.connect(uri, cluster);
    }

    @Singleton
    @Requires(property = KafkaSettings.BOOTSTRAP_SERVERS, pattern = ".+")
    @Bean(preDestroy = "close")
    KafkaDeadLetterSink deadLetterSink(KafkaSettings kafka) {
        return new KafkaDeadLetterSink(kafka.connection());
    }
}
