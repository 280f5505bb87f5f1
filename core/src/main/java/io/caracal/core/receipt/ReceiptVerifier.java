package io.caracal.core.receipt;

import io.caracal.core.receipt.InvalidReceiptException.Reason;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks a receipt header. Nothing in it is parsed before its signature is checked over the payload bytes as
 * received: only the key id is read, at its fixed place at the end of the payload, to choose the key.
 */
public final class ReceiptVerifier {
    /** Far above any receipt this code issues, whose price version is the only field of open length. */
    static final int MAX_LENGTH = 8192;

    private ReceiptVerifier() {
    }

    /**
     * The receipt {@code header} carries, once its signature checks out with the key {@code keysById} gives for the
     * key id it names. Throws {@link InvalidReceiptException} saying whether it is malformed, names a key
     * {@code keysById} does not know, or does not match its signature.
     */
    public static Receipt verify(String header, Function<String, Optional<PublicKey>> keysById) {
        if (header == null || header.isEmpty()) {
            throw new InvalidReceiptException(Reason.MALFORMED, "malformed receipt: it is empty");
        }
        if (header.length() > MAX_LENGTH) {
            throw new InvalidReceiptException(Reason.MALFORMED, "malformed receipt: longer than " + MAX_LENGTH + " characters");
        }
        int dot = header.indexOf('.');
        if (dot < 0 || header.indexOf('.', dot + 1) >= 0) {
            throw new InvalidReceiptException(Reason.MALFORMED, "malformed receipt: not <payload>.<signature>");
        }
        byte[] payload = ReceiptPayload.fromBase64url(header.substring(0, dot), "payload");
        byte[] signature = ReceiptPayload.fromBase64url(header.substring(dot + 1), "signature");
        String keyId = ReceiptPayload.keyIdAtEnd(payload);
        if (keyId == null) {
            throw new InvalidReceiptException(Reason.MALFORMED, "malformed receipt: the payload does not end with its key id");
        }
        PublicKey key = keysById.apply(keyId).orElseThrow(() -> new InvalidReceiptException(Reason.UNKNOWN_KEY,
                "receipt signed by unknown key " + keyId));
        if (!signatureMatches(key, payload, signature)) {
            throw new InvalidReceiptException(Reason.BAD_SIGNATURE, "receipt signature does not match key " + keyId
                    + ": the receipt was altered, or another key signed it");
        }
        return ReceiptPayload.decode(payload);
    }

    static boolean signatureMatches(PublicKey key, byte[] payload, byte[] signature) {
        try {
            Signature ecdsa = Signature.getInstance(ReceiptSigner.ALGORITHM);
            ecdsa.initVerify(key);
            ecdsa.update(payload);
            return ecdsa.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a malformed DER signature, or a key of another kind, is simply not a valid signature
        }
    }
}
