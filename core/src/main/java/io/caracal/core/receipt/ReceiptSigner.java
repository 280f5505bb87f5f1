package io.caracal.core.receipt;

import io.caracal.core.keys.PemKeys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.HexFormat;

/**
 * Signs receipts with one ECDSA P-256 key: the header is {@code base64url(payload).base64url(DER signature)}, the
 * signature over the payload bytes exactly as sent.
 */
public final class ReceiptSigner {
    static final String ALGORITHM = "SHA256withECDSA";

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    /** Refuses a key that is not P-256, or a private key that is not {@code publicKey}'s other half. */
    public ReceiptSigner(PrivateKey privateKey, PublicKey publicKey) {
        if (!(publicKey instanceof ECPublicKey ec) || !PemKeys.isP256(ec.getParams())) {
            throw new IllegalArgumentException("a receipt signing key is an ECDSA P-256 key");
        }
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        this.keyId = keyId(publicKey);
        byte[] probe = "caracal receipt key check".getBytes(StandardCharsets.US_ASCII);
        if (!ReceiptVerifier.signatureMatches(publicKey, probe, signature(probe))) {
            throw new IllegalArgumentException("the private key does not belong to the public key " + keyId);
        }
    }

    /**
     * A receipt key's id: the first four bytes of the SHA-256 of its public key's DER (SubjectPublicKeyInfo), in hex.
     * Not a checkpoint key's id, whose hash also covers the key's name.
     */
    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    public String keyId() {
        return keyId;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** The {@code X-Caracal-Receipt} header value for {@code receipt}, which must name this signer's key. */
    public String sign(Receipt receipt) {
        if (!receipt.keyId().equals(keyId)) {
            throw new IllegalArgumentException("the receipt names key " + receipt.keyId() + " but this signer's key is " + keyId);
        }
        byte[] payload = ReceiptPayload.encode(receipt);
        return ReceiptPayload.base64url(payload) + "." + ReceiptPayload.base64url(signature(payload));
    }

    private byte[] signature(byte[] payload) {
        try {
            Signature ecdsa = Signature.getInstance(ALGORITHM);
            ecdsa.initSign(privateKey);
            ecdsa.update(payload);
            return ecdsa.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a receipt with key " + keyId + ": " + e.getMessage(), e);
        }
    }
}
