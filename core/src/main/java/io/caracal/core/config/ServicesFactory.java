package io.caracal.core.config;

import io.caracal.core.pipeline.KafkaDeadLetterSink;
import io.caracal.core.store.RedisConnections;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

/** The connections every Caracal process shares, whichever functions it runs: one Redis connection, one dead-letter producer. */
@Factory
public class ServicesFactory {

    @Singleton
    @Requires(property = "caracal.redis.uri")
    @Bean(preDestroy = "shutdown")
    RedisClient redisClient(@Value("${caracal.redis.uri}") String uri) {
        return RedisConnections.client(uri);
    }

    @Singleton
    @Requires(beans = RedisClient.class)
    @Bean(preDestroy = "close")
    StatefulRedisConnection<String, String> redisConnection(RedisClient client) {
        return client.connect();
    }

    @Singleton
    @Requires(property = KafkaSettings.BOOTSTRAP_SERVERS, pattern = ".+")
    @Bean(preDestroy = "close")
    KafkaDeadLetterSink deadLetterSink(KafkaSettings kafka) {
        return new KafkaDeadLetterSink(kafka.connection());
    }
}
