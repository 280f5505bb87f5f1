package io.caracal.core.event;

import io.caracal.core.error.InvalidInputException;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How every Caracal Kafka client connects (the gateway's relay, the consumers, the CLI): bootstrap servers and
 * one of plaintext (development), TLS, SASL/SCRAM (over TLS or not) or MSK IAM; and the schema registry producers
 * frame records for, if any ({@link RegistryFraming}). The password is never printed.
 */
public record KafkaConnection(String bootstrapServers, String securityProtocol, String saslMechanism, String username, String password,
                              String truststoreLocation, String truststorePassword, String schemaRegistryUrl) {
    public static final String MSK_IAM = "AWS_MSK_IAM";

    /** Without a schema registry: records carry their schema fingerprint in a header. */
    public KafkaConnection(String bootstrapServers, String securityProtocol, String saslMechanism, String username, String password,
                           String truststoreLocation, String truststorePassword) {
        this(bootstrapServers, securityProtocol, saslMechanism, username, password, truststoreLocation, truststorePassword, null);
    }

    public KafkaConnection {
        schemaRegistryUrl = blankToNull(schemaRegistryUrl);
        if (schemaRegistryUrl != null) {
            SchemaRegistryClient.at(schemaRegistryUrl); // refuses a malformed URL now, not at the first send
        }
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new InvalidInputException("Kafka bootstrap servers are not configured (KAFKA_BOOTSTRAP_SERVERS)");
        }
        securityProtocol = blankToNull(securityProtocol) == null ? "PLAINTEXT" : securityProtocol.trim().toUpperCase(Locale.ROOT);
        saslMechanism = blankToNull(saslMechanism) == null ? null : saslMechanism.trim().toUpperCase(Locale.ROOT);
        if (!java.util.List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL").contains(securityProtocol)) {
            throw new InvalidInputException("KAFKA_SECURITY_PROTOCOL must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got '" + securityProtocol + "'");
        }
        boolean sasl = securityProtocol.startsWith("SASL_");
        if (MSK_IAM.equals(saslMechanism) && !"SASL_SSL".equals(securityProtocol)) {
            throw new InvalidInputException("MSK IAM authentication needs KAFKA_SECURITY_PROTOCOL=SASL_SSL");
        }
        if (sasl && saslMechanism == null) {
            throw new InvalidInputException("KAFKA_SASL_MECHANISM is required with " + securityProtocol
                    + " (SCRAM-SHA-256, SCRAM-SHA-512 or AWS_MSK_IAM)");
        }
        if (sasl && !java.util.List.of("SCRAM-SHA-256", "SCRAM-SHA-512", MSK_IAM).contains(saslMechanism)) {
            throw new InvalidInputException("KAFKA_SASL_MECHANISM must be SCRAM-SHA-256, SCRAM-SHA-512 or AWS_MSK_IAM, got '" + saslMechanism + "'");
        }
        if (sasl && saslMechanism.startsWith("SCRAM") && (blankToNull(username) == null || password == null || password.isEmpty())) {
            throw new InvalidInputException("SASL/SCRAM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD");
        }
    }

    /** From the environment variables the deployment guides document (KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL, ...). */
    public static KafkaConnection fromEnvironment(Map<String, String> env) {
        return new KafkaConnection(env.get("KAFKA_BOOTSTRAP_SERVERS"), env.get("KAFKA_SECURITY_PROTOCOL"), env.get("KAFKA_SASL_MECHANISM"),
                env.get("KAFKA_SASL_USERNAME"), env.get("KAFKA_SASL_PASSWORD"), env.get("KAFKA_SSL_TRUSTSTORE_LOCATION"),
                env.get("KAFKA_SSL_TRUSTSTORE_PASSWORD"), env.get("SCHEMA_REGISTRY_URL"));
    }

    /** The registry records are framed for and read with (SCHEMA_REGISTRY_URL), if one is configured. */
    public java.util.Optional<SchemaRegistryClient> schemaRegistry() {
        return java.util.Optional.ofNullable(schemaRegistryUrl).map(SchemaRegistryClient::at);
    }

    /** The client properties every producer, consumer and admin client of Caracal starts from. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("security.protocol", securityProtocol);
        if (blankToNull(truststoreLocation) != null) {
            config.put("ssl.truststore.location", truststoreLocation);
            if (truststorePassword != null) {
                config.put("ssl.truststore.password", truststorePassword);
            }
        }
        if (saslMechanism != null && securityProtocol.startsWith("SASL_")) {
            config.put("sasl.mechanism", saslMechanism);
            if (MSK_IAM.equals(saslMechanism)) {
                // Credentials come from the AWS default chain (the Lambda role, the pod's IRSA role).
                config.put("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;");
                config.put("sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
            } else {
                config.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + jaasEscape(username) + "\" password=\"" + jaasEscape(password) + "\";");
            }
        }
        return config;
    }

    private static String jaasEscape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public String toString() {
        return bootstrapServers + " (" + securityProtocol + (saslMechanism == null ? "" : ", " + saslMechanism
                + (username == null ? "" : " as " + username)) + ")";
    }
}
