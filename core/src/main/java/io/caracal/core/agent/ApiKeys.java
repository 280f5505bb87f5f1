package io.caracal.core.agent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Agent API keys: {@code cak_<prefix>_<secret>}. The prefix is public and indexed, so a key is found with
 * one lookup instead of a scan over every agent; only the SHA-256 of the whole key is stored. A 256-bit
 * random secret needs no slow password hash: nothing is gained by stretching what cannot be guessed.
 */
public final class ApiKeys {
    private static final String SCHEME = "cak_";
    private static final int PREFIX_BYTES = 6;
    private static final int SECRET_BYTES = 32;

    private ApiKeys() {
    }

    /** A key as issued: the plaintext exists only here and is shown once. */
    public record IssuedKey(String prefix, String plaintext, byte[] hash) {
    }

    public static IssuedKey issue(SecureRandom random) {
        byte[] prefixBytes = new byte[PREFIX_BYTES];
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(prefixBytes);
        random.nextBytes(secret);
        String prefix = HexFormat.of().formatHex(prefixBytes);
        String plaintext = SCHEME + prefix + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new IssuedKey(prefix, plaintext, hash(plaintext));
    }

    /** The lookup prefix of a presented key, or empty when it is not shaped like one of ours. */
    public static Optional<String> prefixOf(String presented) {
        if (presented == null || !presented.startsWith(SCHEME)) {
            return Optional.empty();
        }
        int end = presented.indexOf('_', SCHEME.length());
        String prefix = end < 0 ? "" : presented.substring(SCHEME.length(), end);
        return prefix.matches("[0-9a-f]{" + (PREFIX_BYTES * 2) + "}") ? Optional.of(prefix) : Optional.empty();
    }

    /** Constant-time comparison of a presented key against a stored hash. */
    public static boolean matches(String presented, byte[] storedHash) {
        return MessageDigest.isEqual(hash(presented), storedHash);
    }

    static byte[] hash(String plaintext) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(plaintext.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
