package io.caracal.core.config;

import io.micronaut.configuration.kafka.config.AbstractKafkaConfiguration;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import jakarta.inject.Singleton;

/**
 * Gives Micronaut's Kafka consumers and producers the same connection (bootstrap servers and security) as
 * every other Caracal client: {@code caracal.kafka.*} is the one place it is configured.
 */
@Singleton
public class KafkaClientConfigurer implements BeanCreatedEventListener<AbstractKafkaConfiguration<?, ?>> {
    private final KafkaSettings settings;

    public KafkaClientConfigurer(KafkaSettings settings) {
        this.settings = settings;
    }

    @Override
    public AbstractKafkaConfiguration<?, ?> onCreated(BeanCreatedEvent<AbstractKafkaConfiguration<?, ?>> event) {
        AbstractKafkaConfiguration<?, ?> configuration = event.getBean();
        if (settings.getBootstrapServers() != null && !settings.getBootstrapServers().isBlank()) {
            configuration.getConfig().putAll(settings.connection().clientProperties());
        }
        return configuration;
    }
}
