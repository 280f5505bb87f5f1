package io.caracal.core.event;

import io.caracal.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client properties each documented way of connecting to Kafka produces, and the settings it refuses. */
class KafkaConnectionTest {
    private static Map<String, Object> properties(Map<String, String> env) {
        return KafkaConnection.fromEnvironment(env).clientProperties();
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", "b-1.example:9096");
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void plaintextByDefault() {
        Map<String, Object> config = properties(env());
        assertEquals(Map.of("bootstrap.servers", "b-1.example:9096", "security.protocol", "PLAINTEXT"), config);
    }

    @Test
    void sslWithATruststore() {
        Map<String, Object> config = properties(env("KAFKA_SECURITY_PROTOCOL", "ssl", "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/trust.jks",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "changeit"));
        assertEquals("SSL", config.get("security.protocol"));
        assertEquals("/etc/kafka/trust.jks", config.get("ssl.truststore.location"));
        assertEquals("changeit", config.get("ssl.truststore.password"));
        assertNull(config.get("sasl.mechanism"));
    }

    @Test
    void scramEscapesTheJaasLine() {
        Map<String, Object> config = properties(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "scram-sha-512",
                "KAFKA_SASL_USERNAME", "caracal", "KAFKA_SASL_PASSWORD", "p\"a\\ss"));
        assertEquals("SCRAM-SHA-512", config.get("sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"caracal\" password=\"p\\\"a\\\\ss\";",
                config.get("sasl.jaas.config"));
    }

    @Test
    void mskIamUsesTheIamLoginModuleOverSaslSsl() {
        Map<String, Object> config = properties(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "AWS_MSK_IAM"));
        assertEquals("AWS_MSK_IAM", config.get("sasl.mechanism"));
        assertEquals("software.amazon.msk.auth.iam.IAMLoginModule required;", config.get("sasl.jaas.config"));
        assertEquals("software.amazon.msk.auth.iam.IAMClientCallbackHandler", config.get("sasl.client.callback.handler.class"));
        String message = assertThrows(InvalidInputException.class,
                () -> properties(env("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_SASL_MECHANISM", "AWS_MSK_IAM"))).getMessage();
        assertTrue(message.contains("SASL_SSL"), message);
        assertThrows(InvalidInputException.class, () -> properties(env("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM", "AWS_MSK_IAM")));
    }

    @Test
    void incompleteOrUnknownSettingsAreRefused() {
        assertThrows(InvalidInputException.class, () -> properties(Map.of()));
        assertThrows(InvalidInputException.class, () -> properties(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")));
        assertThrows(InvalidInputException.class, () -> properties(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
                "KAFKA_SASL_USERNAME", "caracal")));
        assertThrows(InvalidInputException.class, () -> properties(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
                "KAFKA_SASL_PASSWORD", "secret")));
        assertThrows(InvalidInputException.class, () -> properties(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_USERNAME", "u", "KAFKA_SASL_PASSWORD", "p")));
        assertThrows(InvalidInputException.class, () -> properties(env("KAFKA_SECURITY_PROTOCOL", "TLS")));
    }

    @Test
    void thePasswordIsNeverPrinted() {
        KafkaConnection connection = KafkaConnection.fromEnvironment(env("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
                "KAFKA_SASL_USERNAME", "caracal", "KAFKA_SASL_PASSWORD", "hunter2-secret", "KAFKA_SSL_TRUSTSTORE_PASSWORD", "trust-secret"));
        assertFalse(connection.toString().contains("hunter2-secret"), connection.toString());
        assertFalse(connection.toString().contains("trust-secret"), connection.toString());
        assertTrue(connection.toString().contains("caracal"), connection.toString());
    }

    @Test
    void aSchemaRegistryIsOptionalAndNeverAKafkaClientProperty() {
        assertTrue(KafkaConnection.fromEnvironment(env()).schemaRegistry().isEmpty());
        assertTrue(KafkaConnection.fromEnvironment(env("SCHEMA_REGISTRY_URL", " ")).schemaRegistry().isEmpty());
        KafkaConnection connection = KafkaConnection.fromEnvironment(env("SCHEMA_REGISTRY_URL", "http://schema-registry:8081/apis/ccompat/v7/"));
        assertEquals("http://schema-registry:8081/apis/ccompat/v7", connection.schemaRegistry().orElseThrow().toString());
        assertEquals(Map.of("bootstrap.servers", "b-1.example:9096", "security.protocol", "PLAINTEXT"), connection.clientProperties());
    }

    @Test
    void aSchemaRegistryUrlThatIsNotHttpOrCarriesAPasswordIsRefusedWithoutPrintingIt() {
        String message = assertThrows(InvalidInputException.class,
                () -> KafkaConnection.fromEnvironment(env("SCHEMA_REGISTRY_URL", "https://user:hunter2@registry.example"))).getMessage();
        assertFalse(message.contains("hunter2"), message);
        assertThrows(InvalidInputException.class, () -> KafkaConnection.fromEnvironment(env("SCHEMA_REGISTRY_URL", "registry.example:8081")));
        assertThrows(InvalidInputException.class, () -> KafkaConnection.fromEnvironment(env("SCHEMA_REGISTRY_URL", "http://bad host/")));
    }
}
