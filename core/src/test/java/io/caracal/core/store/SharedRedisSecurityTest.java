package io.caracal.core.store;

import io.caracal.testing.CapturedLog;
import io.caracal.testing.EmbeddedRedisCluster;
import io.caracal.testing.SecuredRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared Redis behind a password and TLS, as ElastiCache has it, on a real server (the embedded Redis binary,
 * built with TLS): the default user and an ACL user, TLS verified against a CA of the test's own, a Redis Cluster
 * likewise; and a wrong password or an untrusted certificate named as such, with no password in any message or
 * log line.
 */
class SharedRedisSecurityTest {
    private static final String WRONG = "wrong!" + System.nanoTime();
    private static SecuredRedis redis;
    private CapturedLog log;

    @BeforeAll
    static void start() {
        redis = SecuredRedis.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    @BeforeEach
    void captureLog() {
        log = CapturedLog.start();
    }

    @AfterEach
    void noPasswordLogged() {
        log.close();
        log.assertNoneContains(redis.password(), redis.userPassword(), WRONG);
    }

    /** The TLS port as the ACL user, in the separate variables, trusting the test's CA. */
    private static Map<String, String> aclUserOverTls() {
        Map<String, String> settings = new HashMap<>();
        settings.put("host", redis.host());
        settings.put("port", Integer.toString(redis.tlsPort()));
        settings.put("username", SecuredRedis.USER);
        settings.put("password", redis.userPassword());
        settings.put("tls", "true");
        settings.put("tls-ca-file", redis.caFile().toString());
        return settings;
    }

    private static SharedRedis connect(Map<String, String> settings) {
        return SharedRedis.connect(RedisSettings.resolve(settings::get).orElseThrow());
    }

    private static void assertWorksAs(String user, SharedRedis shared) {
        assertEquals(user, shared.sync().aclWhoami());
        String key = "secured:" + System.nanoTime();
        shared.sync().set(key, "1");
        assertEquals(3L, shared.sync().incrby(key, 2));
    }

    @Test
    void anAclUserOverTls() {
        try (SharedRedis shared = connect(aclUserOverTls())) {
            assertWorksAs(SecuredRedis.USER, shared);
            shared.ping();
        }
    }

    @Test
    void aTlsUrlWithItsOwnCredentialsOrThePasswordBesideIt() {
        Map<String, String> url = Map.of("url", redis.tlsUrl(), "password", WRONG, "tls-ca-file", redis.caFile().toString());
        try (SharedRedis shared = connect(url)) {
            assertWorksAs(SecuredRedis.USER, shared);
        }
        Map<String, String> passwordBeside = Map.of("url", "rediss://" + redis.host() + ":" + redis.tlsPort(), "password", redis.password(),
                "tls-ca-file", redis.caFile().toString());
        try (SharedRedis shared = connect(passwordBeside)) {
            assertWorksAs("default", shared);
        }
    }

    @Test
    void thePlainPortWithAPassword() {
        try (SharedRedis shared = connect(Map.of("host", redis.host(), "port", Integer.toString(redis.port()), "password", redis.password()))) {
            assertWorksAs("default", shared);
        }
    }

    @Test
    void aWrongOrMissingPasswordIsNamedWithoutThePassword() {
        Map<String, String> wrong = aclUserOverTls();
        wrong.put("password", WRONG);
        RedisUnavailableException refused = assertThrows(RedisUnavailableException.class, () -> connect(wrong));
        assertEquals("Redis at rediss://127.0.0.1:" + redis.tlsPort() + " as caracal refused the credentials (WRONGPASS): check REDIS_PASSWORD"
                + " and REDIS_USERNAME, or the user:password of REDIS_URL", refused.getMessage());

        Map<String, String> none = aclUserOverTls();
        none.remove("password");
        RedisUnavailableException noPassword = assertThrows(RedisUnavailableException.class, () -> connect(none));
        assertEquals("Redis at rediss://127.0.0.1:" + redis.tlsPort() + " refused the credentials (NOAUTH): check REDIS_PASSWORD"
                + " and REDIS_USERNAME, or the user:password of REDIS_URL", noPassword.getMessage());
        assertTrue(log.lines().stream().anyMatch(line -> line.contains("WRONGPASS")), "the log was captured, and holds the refusal");
    }

    @Test
    void aCertificateFromAnUntrustedCaFailsTheHandshakeByName() {
        Map<String, String> jvmTrustOnly = aclUserOverTls();
        jvmTrustOnly.remove("tls-ca-file");
        RedisUnavailableException refused = assertThrows(RedisUnavailableException.class, () -> connect(jvmTrustOnly));
        assertTrue(refused.getMessage().startsWith("Redis at rediss://127.0.0.1:" + redis.tlsPort() + " as caracal failed the TLS handshake ("),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("certification path"), "the JVM's reason: " + refused.getMessage());
        assertTrue(refused.getMessage().endsWith("by the CA of REDIS_TLS_CA_FILE, or when that is unset by one the JVM trusts"), refused.getMessage());
    }

    @Test
    void aClusterBehindAPasswordAndTls() {
        String password = "cluster!" + System.nanoTime();
        try (EmbeddedRedisCluster cluster = EmbeddedRedisCluster.startSecured(password)) {
            Map<String, String> settings = Map.of("url", "rediss://:" + password + "@127.0.0.1:" + cluster.seedTlsPort(),
                    "tls-ca-file", cluster.caFile().toString(), "cluster", "true");
            try (SharedRedis shared = connect(settings)) {
                assertTrue(shared.sync().clusterNodes().contains(":" + cluster.seedTlsPort() + "@"),
                        "the nodes announce their TLS ports, so every shard is reached over TLS");
                // Keys on every shard: each master is reached with the seed's password and TLS.
                for (int i = 0; i < 30; i++) {
                    shared.sync().set("k" + i, Integer.toString(i));
                }
                for (int i = 0; i < 30; i++) {
                    assertEquals(Integer.toString(i), shared.sync().get("k" + i));
                }
            }
            Map<String, String> wrong = new HashMap<>(settings);
            wrong.put("url", "rediss://:" + WRONG + "@127.0.0.1:" + cluster.seedTlsPort());
            RedisUnavailableException refused = assertThrows(RedisUnavailableException.class, () -> connect(wrong));
            assertTrue(refused.getMessage().contains("refused the credentials"), refused.getMessage());
            assertFalse(refused.getMessage().contains(WRONG));
            log.assertNoneContains(password);
        }
    }
}
