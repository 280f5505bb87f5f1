package io.caracal.core.ledger;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.util.HexFormat;

/**
 * A checkpoint verification key as C2SP signed-note names it: a key name and an ECDSA P-256 public key
 * (signature type 0x02), identified by the first four bytes of SHA-256(name || 0x0A || 0x02 || public key DER).
 */
public record NoteKey(String name, ECPublicKey publicKey) {
    static final byte ECDSA = 0x02;

    public NoteKey {
        if (name == null || name.isBlank() || name.contains(" ") || name.contains("\n") || name.contains("+")) {
            throw new IllegalArgumentException("a key name is one word without '+'");
        }
    }

    public byte[] keyHash() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(name.getBytes(StandardCharsets.UTF_8));
            bytes.write('\n');
            bytes.write(ECDSA);
            bytes.writeBytes(publicKey.getEncoded());
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray());
            return java.util.Arrays.copyOf(digest, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key hash in hex: how the database and the CLI name a key. */
    public String keyId() {
        return HexFormat.of().formatHex(keyHash());
    }
}
