package io.caracal.gateway.tls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The gateway's TLS identity from PEM, as operators get it from openssl or cert-manager: a certificate chain (the
 * server's certificate first) and its private key in PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY})
 * or SEC1 ({@code EC PRIVATE KEY}). The key must belong to the first certificate, so a rotation caught half-way
 * (new key, old certificate) is refused rather than served. Messages name what is wrong, never key material.
 */
public record ServerCertificate(List<X509Certificate> chain, PrivateKey key) {
    /** Why a pair of PEM files cannot be served; the message is safe to log. */
    public static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    public ServerCertificate {
        chain = List.copyOf(chain);
    }

    public static ServerCertificate read(byte[] certificatePem, byte[] keyPem) throws Unusable {
        List<X509Certificate> chain = new ArrayList<>();
        for (Object object : objects(certificatePem, "certificate")) {
            if (object instanceof X509CertificateHolder holder) {
                try {
                    chain.add(new JcaX509CertificateConverter().getCertificate(holder));
                } catch (GeneralSecurityException e) {
                    throw new Unusable("the certificate file holds a certificate that cannot be decoded");
                }
            }
        }
        if (chain.isEmpty()) {
            throw new Unusable("the certificate file holds no PEM certificate");
        }
        PrivateKey key = null;
        for (Object object : objects(keyPem, "key")) {
            if (object instanceof PEMEncryptedKeyPair || object instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw new Unusable("the key file holds an encrypted private key: give the gateway an unencrypted one");
            }
            // PKCS#1 and SEC1 carry the same PKCS#8 key info inside (converting the pair would need BouncyCastle's provider for EC).
            PrivateKeyInfo info = object instanceof PEMKeyPair pair ? pair.getPrivateKeyInfo() : object instanceof PrivateKeyInfo plain ? plain : null;
            try {
                if (info != null) {
                    key = new JcaPEMKeyConverter().getPrivateKey(info);
                }
            } catch (IOException e) {
                throw new Unusable("the key file holds a private key of an unsupported type");
            }
        }
        if (key == null) {
            throw new Unusable("the key file holds no PEM private key");
        }
        if (!belongsTo(key, chain.get(0))) {
            throw new Unusable("the private key does not belong to the certificate (serial " + chain.get(0).getSerialNumber().toString(16) + ")");
        }
        return new ServerCertificate(chain, key);
    }

    /** A key store with this identity under one entry and no password, as Micronaut's certificate providers hand it over. */
    public KeyStore keyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, null, chain.toArray(new X509Certificate[0]));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("an in-memory PKCS12 key store could not be made", e);
        }
    }

    /** What the log says about it: subject, serial and expiry, nothing secret. */
    public String describe() {
        X509Certificate leaf = chain.get(0);
        return leaf.getSubjectX500Principal().getName() + ", serial " + leaf.getSerialNumber().toString(16) + ", valid until " + leaf.getNotAfter().toInstant();
    }

    private static List<Object> objects(byte[] pem, String file) throws Unusable {
        List<Object> objects = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                objects.add(object);
            }
        } catch (IOException | RuntimeException e) {
            // A file read half-way through its rewrite ends mid-block; BouncyCastle's message may quote its content.
            throw new Unusable("the " + file + " file is not complete PEM");
        }
        return objects;
    }

    /** Signs a probe with the key and verifies it with the certificate: true only if they are one key pair. */
    private static boolean belongsTo(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448: the key's algorithm is its signature's
        };
        try {
            byte[] probe = "caracal-tls-key-check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
