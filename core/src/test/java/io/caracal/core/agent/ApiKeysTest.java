package io.caracal.core.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeysTest {

    /** Hands out 0, 1, 2, ... so that an issued key is predictable. */
    private static final class CountingRandom extends SecureRandom {
        private int next;

        @Override
        public void nextBytes(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) next++;
            }
        }
    }

    private static byte[] sha256(String text) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void issuedKeyHasTheDocumentedShape() throws Exception {
        ApiKeys.IssuedKey key = ApiKeys.issue(new CountingRandom());
        byte[] secret = new byte[32];
        for (int i = 0; i < secret.length; i++) {
            secret[i] = (byte) (6 + i);
        }
        assertEquals("000102030405", key.prefix());
        assertEquals("cak_000102030405_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret), key.plaintext());
        assertArrayEquals(sha256(key.plaintext()), key.hash());
    }

    @Test
    void prefixOfFindsTheIssuedPrefix() {
        for (int i = 0; i < 50; i++) {
            ApiKeys.IssuedKey key = ApiKeys.issue(new SecureRandom());
            assertTrue(key.prefix().matches("[0-9a-f]{12}"), key.prefix());
            assertTrue(key.plaintext().matches("cak_[0-9a-f]{12}_[A-Za-z0-9_-]{43}"), key.plaintext());
            assertEquals(Optional.of(key.prefix()), ApiKeys.prefixOf(key.plaintext()));
        }
    }

    @Test
    void keysDiffer() {
        SecureRandom random = new SecureRandom();
        ApiKeys.IssuedKey a = ApiKeys.issue(random);
        ApiKeys.IssuedKey b = ApiKeys.issue(random);
        assertNotEquals(a.prefix(), b.prefix());
        assertNotEquals(a.plaintext(), b.plaintext());
        assertFalse(Arrays.equals(a.hash(), b.hash()));
    }

    @Test
    void matchesTheIssuedPlaintext() {
        ApiKeys.IssuedKey key = ApiKeys.issue(new SecureRandom());
        assertTrue(ApiKeys.matches(key.plaintext(), key.hash()));
    }

    @Test
    void doesNotMatchWhenAnyCharacterChanges() {
        ApiKeys.IssuedKey key = ApiKeys.issue(new SecureRandom());
        String plaintext = key.plaintext();
        for (int i = 0; i < plaintext.length(); i++) {
            char c = plaintext.charAt(i);
            String changed = plaintext.substring(0, i) + (c == 'A' ? 'B' : 'A') + plaintext.substring(i + 1);
            assertFalse(ApiKeys.matches(changed, key.hash()), "matched with position " + i + " changed: " + changed);
        }
        assertFalse(ApiKeys.matches(plaintext + "x", key.hash()));
        assertFalse(ApiKeys.matches(plaintext.substring(0, plaintext.length() - 1), key.hash()));
        assertFalse(ApiKeys.matches(ApiKeys.issue(new SecureRandom()).plaintext(), key.hash()));
    }

    @Test
    void storesOnlyAHashNeverThePlaintext() {
        ApiKeys.IssuedKey key = ApiKeys.issue(new SecureRandom());
        byte[] plaintextBytes = key.plaintext().getBytes(StandardCharsets.UTF_8);
        assertEquals(32, key.hash().length);
        assertFalse(Arrays.equals(plaintextBytes, key.hash()));
        assertFalse(new String(key.hash(), StandardCharsets.ISO_8859_1).contains(key.prefix()));
        // The stored hash itself is not a key that matches.
        assertFalse(ApiKeys.matches(new String(key.hash(), StandardCharsets.ISO_8859_1), key.hash()));
    }

    @Test
    void prefixOfAcceptsAnySecretAfterAWellFormedPrefix() {
        assertEquals(Optional.of("0123456789ab"), ApiKeys.prefixOf("cak_0123456789ab_secret"));
        assertEquals(Optional.of("0123456789ab"), ApiKeys.prefixOf("cak_0123456789ab_"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {
            "",
            "cak_",
            "sk-proj-0123456789abcdef",
            "ghp_0123456789ab_secret",
            "CAK_0123456789ab_secret",
            "Bearer cak_0123456789ab_secret",
            " cak_0123456789ab_secret",
            "cak_0123456789AB_secret",
            "cak_0123456789a_secret",
            "cak_0123456789abc_secret",
            "cak_0123456789ab",
            "cak__0123456789ab_secret",
            "cak_0123456789xy_secret",
    })
    void prefixOfRejectsForeignFormats(String presented) {
        assertEquals(Optional.empty(), ApiKeys.prefixOf(presented));
    }
}
