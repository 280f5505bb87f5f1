package io.caracal.core.ledger;

import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;

import java.io.IOException;
import java.math.BigInteger;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;

/**
 * ECDSA P-256 over SHA-256 for checkpoint notes, with Bouncy Castle's lightweight signer on its custom P-256 curve
 * (fixed-point comb multiplier for the base point): SunEC takes over a millisecond per signature, which alone was more
 * than a whole checkpoint may cost. Nonces are deterministic (RFC 6979), so signing needs no random source and the same
 * note and key always give the same signature. Signatures are DER, as SunEC's SHA256withECDSA writes and reads them,
 * so notes signed before and after verify alike, with either.
 */
public final class NoteSigner {
    private static final ECDomainParameters P256;

    static {
        X9ECParameters curve = CustomNamedCurves.getByName("secp256r1");
        P256 = new ECDomainParameters(curve.getCurve(), curve.getG(), curve.getN(), curve.getH(), curve.getSeed());
    }

    /**
     * The last key verified with, as Bouncy Castle's point: the multiplier keeps its precomputed multiples on the point
     * object, so a verification with the same point again (a thousand checkpoints signed by one key) skips that work.
     */
    private static volatile VerifyingKey lastKey;

    private record VerifyingKey(ECPublicKey key, ECPublicKeyParameters parameters) {
    }

    private NoteSigner() {
    }

    /** The DER ECDSA signature of SHA-256({@code message}). */
    public static byte[] sign(ECPrivateKey key, byte[] message) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(key.getS(), P256));
        BigInteger[] rs = signer.generateSignature(sha256(message));
        try {
            return StandardDSAEncoding.INSTANCE.encode(P256.getN(), rs[0], rs[1]);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an ECDSA signature", e);
        }
    }

    /** Whether {@code der} is {@code key}'s signature of {@code message}; a malformed signature is simply not a valid one. */
    public static boolean verify(ECPublicKey key, byte[] message, byte[] der) {
        BigInteger[] rs;
        VerifyingKey verifying = lastKey;
        try {
            rs = StandardDSAEncoding.INSTANCE.decode(P256.getN(), der);
            if (verifying == null || !verifying.key().equals(key)) {
                verifying = new VerifyingKey(key, new ECPublicKeyParameters(P256.getCurve().createPoint(key.getW().getAffineX(), key.getW().getAffineY()), P256));
                lastKey = verifying;
            }
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, verifying.parameters());
        return verifier.verifySignature(sha256(message), rs[0], rs[1]);
    }

    private static byte[] sha256(byte[] message) {
        SHA256Digest digest = new SHA256Digest();
        digest.update(message, 0, message.length);
        byte[] hash = new byte[32];
        digest.doFinal(hash, 0);
        return hash;
    }
}
