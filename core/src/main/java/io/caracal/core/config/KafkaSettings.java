package io.caracal.core.config;

import io.caracal.core.event.KafkaConnection;
import io.micronaut.context.annotation.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code caracal.kafka.*}, bound from the environment by the applications' configuration (KAFKA_BOOTSTRAP_SERVERS,
 * KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD,
 * KAFKA_SSL_TRUSTSTORE_LOCATION, KAFKA_SSL_TRUSTSTORE_PASSWORD, KAFKA_PARTITIONS, SCHEMA_REGISTRY_URL). Without bootstrap servers the
 * gateway still records every event in its PostgreSQL outbox; they are published once Kafka is configured.
 */
@ConfigurationProperties(KafkaSettings.PREFIX)
public class KafkaSettings {
    public static final String PREFIX = "caracal.kafka";
    /** Set: the process talks to Kafka; empty: events wait in the outbox, and the consumers do not start. */
    public static final String BOOTSTRAP_SERVERS = PREFIX + ".bootstrap-servers";
    /** Set: producers write the Confluent wire format, and consumers read it, with this registry. */
    public static final String SCHEMA_REGISTRY_URL = PREFIX + ".schema-registry-url";
    private String bootstrapServers;
    private String securityProtocol;
    private String saslMechanism;
    private String saslUsername;
    private String saslPassword;
    private String truststoreLocation;
    private String truststorePassword;
    private String schemaRegistryUrl;
    private int partitions = 3;
    private Duration relayInterval = Duration.ofSeconds(1);

    public KafkaConnection connection() {
        return new KafkaConnection(bootstrapServers, securityProtocol, saslMechanism, saslUsername, saslPassword, truststoreLocation,
                truststorePassword, schemaRegistryUrl);
    }

    public String getSchemaRegistryUrl() {
        return schemaRegistryUrl;
    }

    public void setSchemaRegistryUrl(String schemaRegistryUrl) {
        this.schemaRegistryUrl = schemaRegistryUrl;
    }

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String getSecurityProtocol() {
        return securityProtocol;
    }

    public void setSecurityProtocol(String securityProtocol) {
        this.securityProtocol = securityProtocol;
    }

    public String getSaslMechanism() {
        return saslMechanism;
    }

    public void setSaslMechanism(String saslMechanism) {
        this.saslMechanism = saslMechanism;
    }

    public String getSaslUsername() {
        return saslUsername;
    }

    public void setSaslUsername(String saslUsername) {
        this.saslUsername = saslUsername;
    }

    public String getSaslPassword() {
        return saslPassword;
    }

    public void setSaslPassword(String saslPassword) {
        this.saslPassword = saslPassword;
    }

    public String getTruststoreLocation() {
        return truststoreLocation;
    }

    public void setTruststoreLocation(String truststoreLocation) {
        this.truststoreLocation = truststoreLocation;
    }

    public String getTruststorePassword() {
        return truststorePassword;
    }

    public void setTruststorePassword(String truststorePassword) {
        this.truststorePassword = truststorePassword;
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
