package io.caracal.core.keys;

import io.caracal.core.error.InvalidInputException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * ECDSA P-256 keys in PEM, as {@code openssl ecparam -name prime256v1 -genkey -noout} writes them (SEC1) or
 * in PKCS#8. A key id is the first 8 bytes of the SHA-256 of the public key's DER encoding, in hex.
 */
public final class PemKeys {
    private static final String BEGIN_ANY = "-----BEGIN ";
    private static final String BEGIN_PUBLIC = BEGIN_ANY + "PUBLIC KEY-----";
    private static final String END_PUBLIC = "-----END PUBLIC KEY-----";

    private PemKeys() {
    }

    public record SigningKey(String keyId, ECPrivateKey privateKey, ECPublicKey publicKey) {
    }

    public static SigningKey readPrivate(Path file) {
        if (!Files.isReadable(file)) {
            throw new InvalidInputException("signing key not found or not readable: " + file);
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            return readPrivate(reader, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SigningKey readPrivate(Reader reader, String source) throws IOException {
        Object pem = new PEMParser(reader).readObject();
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        java.security.PrivateKey key;
        if (pem instanceof PEMKeyPair pair) {
            key = converter.getKeyPair(pair).getPrivate();
        } else if (pem instanceof PrivateKeyInfo info) {
            key = converter.getPrivateKey(info);
        } else {
            throw new InvalidInputException(source + " holds no EC private key in PEM");
        }
        if (!(key instanceof ECPrivateKey ec) || !isP256(ec.getParams())) {
            throw new InvalidInputException(source + " is not an ECDSA P-256 (prime256v1) key");
        }
        ECPublicKey publicKey = publicOf(ec);
        return new SigningKey(keyId(publicKey), ec, publicKey);
    }

    /** The P-256 public key in a PEM file; a file that cannot be read or holds no such key is named in the message. */
    public static ECPublicKey readPublic(Path file) {
        try {
            return readPublic(Files.readString(file));
        } catch (IOException e) {
            throw new InvalidInputException("cannot read the public key " + file + ": " + e.getMessage());
        } catch (InvalidInputException e) {
            throw new InvalidInputException(file + ": " + e.getMessage());
        }
    }

    /**
     * The first PEM object of {@code pem}, which must be a P-256 public key (X.509 SubjectPublicKeyInfo, "PUBLIC KEY").
     * Read with the JDK alone: Bouncy Castle's PEM parser and key converter cost a fresh JVM 0.2 to 0.3 s, and the CLI
     * reads the trusted keys before every `ledger verify`.
     */
    public static ECPublicKey readPublic(String pem) {
        // As PEM parsers read it: the first line that starts a PEM object, not such text inside a line (a JSON bundle's keys).
        int begin = pem.startsWith(BEGIN_ANY) ? 0 : pem.indexOf("\n" + BEGIN_ANY) + 1;
        if (!pem.startsWith(BEGIN_PUBLIC, begin)) {
            throw new InvalidInputException("not a PEM public key");
        }
        int end = pem.indexOf(END_PUBLIC, begin);
        if (end < 0) {
            throw new InvalidInputException("unreadable PEM public key: no " + END_PUBLIC + " line");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN_PUBLIC.length(), end));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("unreadable PEM public key: " + e.getMessage());
        }
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        } catch (InvalidKeySpecException e) {
            throw new InvalidInputException("not an ECDSA P-256 public key");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC keys are required by every JVM", e);
        }
        if (!(key instanceof ECPublicKey ec) || !isP256(ec.getParams())) {
            throw new InvalidInputException("not an ECDSA P-256 public key");
        }
        return ec;
    }

    public static String publicPem(PublicKey key) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes a new P-256 key to {@code file} (PKCS#8 PEM, owner-only permissions) and returns it. */
    public static SigningKey generate(Path file) {
        SigningKey key = generate();
        try {
            StringWriter out = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
                writer.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key.privateKey(), null).generate());
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, out.toString());
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // Not a POSIX file system: the directory's protection is what there is.
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new P-256 key that exists only in memory: for a signer that may start with a fresh key every time. */
    public static SigningKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            ECPublicKey publicKey = (ECPublicKey) pair.getPublic();
            return new SigningKey(keyId(publicKey), (ECPrivateKey) pair.getPrivate(), publicKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is required by every JVM", e);
        }
    }

    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ECPublicKey publicOf(ECPrivateKey key) {
        try {
            org.bouncycastle.jce.spec.ECNamedCurveParameterSpec spec = org.bouncycastle.jce.ECNamedCurveTable.getParameterSpec("secp256r1");
            org.bouncycastle.math.ec.ECPoint q = spec.getG().multiply(key.getS()).normalize();
            ECPoint point = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, key.getParams()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean isP256(java.security.spec.ECParameterSpec params) {
        return params.getCurve().getField().getFieldSize() == 256
                && params.getOrder().equals(new java.math.BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16));
    }

}
