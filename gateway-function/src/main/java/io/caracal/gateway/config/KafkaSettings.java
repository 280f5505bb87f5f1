package io.caracal.gateway.config;

import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code caracal.kafka.*} (env: KAFKA_BOOTSTRAP_SERVERS, KAFKA_PARTITIONS). Without bootstrap servers the
 * gateway still records every event in its PostgreSQL outbox; they are published once Kafka is configured.
 */
@ConfigurationProperties("caracal.kafka")
public class KafkaSettings {
    private String bootstrapServers;
    private int partitions = 3;
    private Duration relayInterval = Duration.ofSeconds(1);

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public int getPartitions() {
        return partitions;
    }

    public void setPartitions(int partitions) {
        this.partitions = partitions;
    }

    public Duration getRelayInterval() {
        return relayInterval;
    }

    public void setRelayInterval(Duration relayInterval) {
        this.relayInterval = relayInterval;
    }
}
