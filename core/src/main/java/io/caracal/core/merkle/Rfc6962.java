package io.caracal.core.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The hashing of RFC 6962 / RFC 9162 Merkle trees, byte for byte: SHA-256, leaves prefixed with 0x00, interior
 * nodes with 0x01 (the domain separation v0.3 lacked), and the empty tree's root is the hash of nothing.
 */
public final class Rfc6962 {
    public static final int HASH_SIZE = 32;
    private static final byte LEAF = 0x00;
    private static final byte NODE = 0x01;
    /** Looking a digest up costs more than hashing a leaf; each thread reuses its own (digest() resets it). */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Rfc6962::newDigest);

    private Rfc6962() {
    }

    public static byte[] emptyRoot() {
        return digest().digest();
    }

    public static byte[] leafHash(byte[] data) {
        return leafHash(data, data.length);
    }

    /** The hash of the leaf that is the first {@code length} bytes of {@code data}. */
    public static byte[] leafHash(byte[] data, int length) {
        MessageDigest sha = digest();
        sha.update(LEAF);
        sha.update(data, 0, length);
        return sha.digest();
    }

    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest sha = digest();
        sha.update(NODE);
        sha.update(left);
        sha.update(right);
        return sha.digest();
    }

    private static MessageDigest digest() {
        return SHA256.get();
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
