package io.caracal.core.secret;

import io.caracal.core.pipeline.FunctionLauncher;
import io.caracal.testing.CapturedLog;
import io.caracal.testing.SecretsManagerStub;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The X_SECRET_ARN variables through the real AWS SDK client, over HTTP to a stub of Secrets Manager's protocol, into
 * the configuration of a context started as the processes start theirs ("services" and the functions' own YAML).
 */
class SecretArnsTest {
    private static final String DB_PASSWORD = "db-pw!" + Long.toHexString(System.nanoTime()) + "&";
    private static final String REDIS_TOKEN = "redis-token-" + Long.toHexString(System.nanoTime());
    private static final String PEM = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIH" + Long.toHexString(System.nanoTime()) + "\n-----END EC PRIVATE KEY-----\n";

    private SecretsManagerStub secretsManager;
    private AutoCloseable sdkDefaults;

    @BeforeEach
    void start() {
        secretsManager = SecretsManagerStub.start();
        sdkDefaults = secretsManager.asSdkDefaults();
    }

    @AfterEach
    void stop() throws Exception {
        sdkDefaults.close();
        secretsManager.close();
    }

    @Test
    void eachArnBecomesTheSettingOfItsVariable() throws Exception {
        Map<String, String> environment = Map.of(
                "DB_PASSWORD_SECRET_ARN", secretsManager.put("caracal-dev-db", "{\"username\":\"caracal\",\"password\":\"" + DB_PASSWORD + "\",\"engine\":\"postgres\"}"),
                "REDIS_PASSWORD_SECRET_ARN", secretsManager.put("caracal-dev-redis-auth-token", REDIS_TOKEN),
                "MERKLE_SIGNING_KEY_SECRET_ARN", secretsManager.put("caracal-dev-merkle-signing-key", PEM));
        try (CapturedLog log = CapturedLog.start()) {
            // The configuration alone (no beans): the functions' tests connect with it (MerkleIntegratorLambdaHandlerTest).
            Environment configuration = ApplicationContext.builder().environments("services", "ledger")
                    .propertySources(FunctionLauncher.secrets(environment)).build().getEnvironment().start();
            assertEquals(DB_PASSWORD, configuration.getRequiredProperty("datasources.default.password", String.class));
            assertEquals(REDIS_TOKEN, configuration.getRequiredProperty("caracal.redis.password", String.class));
            // The ledger's YAML reads it as ${MERKLE_SIGNING_KEY_PATH:}.
            Path key = Path.of(configuration.getPlaceholderResolver().resolveRequiredPlaceholders("${MERKLE_SIGNING_KEY_PATH}"));
            assertEquals(PEM, Files.readString(key));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.getParent())));
            log.assertNoneContains(DB_PASSWORD, REDIS_TOKEN, PEM.lines().skip(1).findFirst().orElseThrow());
        }
        // One GetSecretValue per secret, signed with the credentials of the SDK's default chain.
        assertEquals(3, secretsManager.calls().size());
        for (SecretsManagerStub.Call call : secretsManager.calls()) {
            assertEquals("secretsmanager.GetSecretValue", call.target());
            assertTrue(call.authorization().startsWith("AWS4-HMAC-SHA256 Credential=" + SecretsManagerStub.ACCESS_KEY_ID + "/"), call.authorization());
            assertTrue(call.authorization().contains("/" + SecretsManagerStub.REGION + "/secretsmanager/aws4_request"), call.authorization());
        }
    }

    @Test
    void anUnknownSecretFailsStartUpInOneLineNamingTheVariable() {
        String unknown = secretsManager.arn("caracal-dev-merkle-signing-key");
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> SecretArns.fromSecretsManager(Map.of("MERKLE_SIGNING_KEY_SECRET_ARN", unknown)));
        assertTrue(failure.getMessage().startsWith("MERKLE_SIGNING_KEY_SECRET_ARN: "), failure.getMessage());
        assertTrue(failure.getMessage().contains("caracal-dev-merkle-signing-key"), failure.getMessage());
        assertTrue(failure.getMessage().contains("ResourceNotFoundException"), failure.getMessage());
        assertEquals(1, failure.getMessage().lines().count(), failure.getMessage());
    }

    @Test
    void aDatabaseSecretThatIsNotRdsJsonIsRefusedWithoutItsValue() {
        String arn = secretsManager.put("caracal-dev-db", DB_PASSWORD);
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> SecretArns.fromSecretsManager(Map.of("DB_PASSWORD_SECRET_ARN", arn)));
        assertTrue(failure.getMessage().startsWith("DB_PASSWORD_SECRET_ARN: secret caracal-dev-db-Ab12Cd is not the JSON RDS keeps"), failure.getMessage());
        assertFalse(failure.getMessage().contains(DB_PASSWORD));
        assertEquals(null, failure.getCause());
    }

    /** A process given no ARN asks nothing of AWS (no region or credentials needed), and its configuration is the environment's. */
    @Test
    void withoutArnsNothingIsRead() {
        assertEquals(Map.of(), SecretArns.fromSecretsManager(Map.of("DB_PASSWORD", "x")));
        assertEquals(0, secretsManager.calls().size());
    }
}
