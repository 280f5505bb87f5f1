package io.caracal.core.store;

import io.caracal.core.error.InvalidInputException;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the Redis settings combine, the same for every process: which wins, what TLS means, and what is refused. */
class RedisSettingsTest {
    private static final String SECRET = "s3cret!&";

    private static RedisSettings resolve(Map<String, String> settings) {
        return RedisSettings.resolve(settings::get).orElseThrow();
    }

    private static RedisCredentials credentials(RedisSettings settings) {
        return ((RedisCredentialsProvider.ImmediateRedisCredentialsProvider) settings.uri().getCredentialsProvider()).resolveCredentialsNow();
    }

    @Test
    void nothingConfiguredIsNoRedis() {
        assertTrue(RedisSettings.resolve(Map.of("url", " ", "port", "6380", "tls", "true")::get).isEmpty());
    }

    @Test
    void hostPortUserPasswordAndTls() {
        RedisSettings settings = resolve(Map.of("host", " cache.example.com ", "port", "6380", "username", "caracal", "password", SECRET,
                "tls", "TRUE", "cluster", "true"));
        assertEquals("rediss://cache.example.com:6380 as caracal (cluster)", settings.toString());
        assertEquals("caracal", credentials(settings).getUsername());
        assertEquals(SECRET, new String(credentials(settings).getPassword()));
        assertTrue(settings.cluster());
    }

    @Test
    void theUrlWinsOverHostAndPortAndTheSeparatePasswordFillsIn() {
        RedisSettings settings = resolve(Map.of("url", "rediss://cache.example.com:6390", "host", "localhost", "port", "6379", "password", SECRET,
                "tls", "false"));
        assertEquals("rediss://cache.example.com:6390", settings.toString(), "TLS from the scheme; REDIS_TLS=false does not remove it");
        assertNull(credentials(settings).getUsername(), "the default user");
        assertEquals(SECRET, new String(credentials(settings).getPassword()));

        RedisSettings withOwn = resolve(Map.of("url", "redis://ops:own@cache.example.com", "username", "caracal", "password", SECRET, "tls", "true"));
        assertEquals("rediss://cache.example.com:6379 as ops", withOwn.toString(), "REDIS_TLS=true adds TLS to a redis:// URL");
        assertEquals("own", new String(credentials(withOwn).getPassword()), "the URL's own credentials win");
    }

    @Test
    void withoutAPasswordNoCredentialsAreSent() {
        RedisSettings settings = resolve(Map.of("host", "localhost", "username", "caracal", "password", ""));
        assertFalse(credentials(settings).hasUsername());
        assertFalse(credentials(settings).hasPassword());
        assertFalse(settings.tls());
        assertEquals("redis://localhost:6379", settings.toString());
    }

    @Test
    void aCaFileNeedsTlsAndMustHoldACertificate(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), io.caracal.testing.TestCertificates.authority("Test CA").pem());
        InvalidInputException plain = assertThrows(InvalidInputException.class,
                () -> resolve(Map.of("host", "localhost", "tls-ca-file", ca.toString())));
        assertEquals("REDIS_TLS_CA_FILE is set but TLS is off: set REDIS_TLS=true or use a rediss:// REDIS_URL", plain.getMessage());
        assertTrue(resolve(Map.of("host", "localhost", "tls", "true", "tls-ca-file", ca.toString())).tls());

        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertTrue(assertThrows(InvalidInputException.class, () -> resolve(Map.of("host", "localhost", "tls", "true", "tls-ca-file", empty.toString())))
                .getMessage().startsWith("REDIS_TLS_CA_FILE " + empty + " holds no PEM certificate"));
        Path missing = dir.resolve("missing.pem");
        assertTrue(assertThrows(InvalidInputException.class, () -> resolve(Map.of("host", "localhost", "tls", "true", "tls-ca-file", missing.toString())))
                .getMessage().startsWith("cannot read REDIS_TLS_CA_FILE " + missing));
    }

    @Test
    void misspeltFlagsAndPortsAreRefused() {
        assertEquals("REDIS_TLS must be true or false, got 'yes'",
                assertThrows(InvalidInputException.class, () -> resolve(Map.of("host", "localhost", "tls", "yes"))).getMessage());
        assertEquals("REDIS_CLUSTER must be true or false, got '1'",
                assertThrows(InvalidInputException.class, () -> resolve(Map.of("host", "localhost", "cluster", "1"))).getMessage());
        assertEquals("REDIS_PORT must be a number from 1 to 65535, got '70000'",
                assertThrows(InvalidInputException.class, () -> resolve(Map.of("host", "localhost", "port", "70000"))).getMessage());
    }

    @Test
    void aMalformedUrlIsRefusedWithoutShowingIt() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> resolve(Map.of("url", "redis://:" + SECRET + " x@cache:6379")));
        assertTrue(e.getMessage().startsWith("REDIS_URL is not a Redis URL"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        assertNull(e.getCause(), "the parser's message quotes the URL");
    }
}
