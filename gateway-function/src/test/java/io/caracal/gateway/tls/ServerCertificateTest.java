package io.caracal.gateway.tls;

import io.caracal.testing.TestCertificates;
import io.caracal.testing.TestCertificates.Issued;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PEM forms operators have (PKCS#8, PKCS#1, SEC1, a chain), and what is refused, with messages that show no key. */
class ServerCertificateTest {
    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** An RSA key pair's private key as {@code openssl genrsa -traditional} writes it: PKCS#1, "RSA PRIVATE KEY". */
    private static String pkcs1(KeyPair keys) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(keys);
        }
        return out.toString();
    }

    /** An EC private key as {@code openssl ecparam -genkey} writes it: SEC1, "EC PRIVATE KEY", the curve inside. */
    private static String sec1(KeyPair keys) throws Exception {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        byte[] der = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters()).getEncoded();
        return "-----BEGIN EC PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END EC PRIVATE KEY-----\n";
    }

    @Test
    void readsAChainWithItsKeyInPkcs8Sec1OrPkcs1() throws Exception {
        Issued ca = TestCertificates.authority("CA");
        Issued leaf = TestCertificates.leaf(ca, "gateway.test", Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), true);

        ServerCertificate pkcs8 = ServerCertificate.read(bytes(leaf.pem() + ca.pem()), bytes(leaf.privateKeyPem()));
        assertEquals(2, pkcs8.chain().size());
        assertEquals(leaf.certificate(), pkcs8.chain().get(0));
        String sec1 = sec1(leaf.keys());
        assertTrue(sec1.contains("BEGIN EC PRIVATE KEY"), sec1.lines().findFirst().orElseThrow());
        assertEquals(leaf.certificate(), ServerCertificate.read(bytes(leaf.pem()), bytes(sec1)).chain().get(0));

        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair rsaKeys = rsa.generateKeyPair();
        X509Certificate rsaCertificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(new X500Name("CN=rsa.test"),
                BigInteger.TEN, Date.from(Instant.now().minusSeconds(60)), Date.from(Instant.now().plusSeconds(3600)), new X500Name("CN=rsa.test"),
                rsaKeys.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(rsaKeys.getPrivate())));
        String pkcs1 = pkcs1(rsaKeys);
        assertTrue(pkcs1.contains("BEGIN RSA PRIVATE KEY"), pkcs1.lines().findFirst().orElseThrow());
        StringWriter certificatePem = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(certificatePem)) {
            writer.writeObject(rsaCertificate);
        }
        ServerCertificate fromPkcs1 = ServerCertificate.read(bytes(certificatePem.toString()), bytes(pkcs1));
        assertEquals(BigInteger.TEN, fromPkcs1.chain().get(0).getSerialNumber());

        KeyStore store = fromPkcs1.keyStore();
        assertEquals(rsaCertificate, store.getCertificateChain("server")[0]);
        assertTrue(store.isKeyEntry("server"));
    }

    @Test
    void refusesWhatCannotBeServedNamingTheProblemAndNoKey() throws Exception {
        Issued ca = TestCertificates.authority("CA");
        Issued leaf = TestCertificates.leaf(ca, "gateway.test", Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), true);
        Issued other = TestCertificates.leaf(ca, "other.test", Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), true);
        String keyBody = leaf.privateKeyPem().lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();

        assertRefused("does not belong to the certificate", leaf.pem(), other.privateKeyPem(), keyBody);
        // The chain's first certificate is the server's: a key of a later one (here the CA's) is refused as well.
        assertRefused("does not belong to the certificate", ca.pem() + leaf.pem(), leaf.privateKeyPem(), keyBody);
        assertRefused("not complete PEM", leaf.pem().substring(0, leaf.pem().length() / 2), leaf.privateKeyPem(), keyBody);
        assertRefused("not complete PEM", leaf.pem(), leaf.privateKeyPem().substring(0, leaf.privateKeyPem().length() - 40), keyBody);
        assertRefused("no PEM certificate", "", leaf.privateKeyPem(), keyBody);
        assertRefused("no PEM private key", leaf.pem(), leaf.pem(), keyBody);
        StringWriter encrypted = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(encrypted)) {
            writer.writeObject(new JcaPKCS8Generator(leaf.keys().getPrivate(),
                    new JceOpenSSLPKCS8EncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC).setPassword("pw".toCharArray()).build()));
        }
        assertRefused("encrypted private key", leaf.pem(), encrypted.toString(), keyBody);
    }

    private static void assertRefused(String problem, String certificatePem, String keyPem, String keyBody) {
        ServerCertificate.Unusable refused = assertThrows(ServerCertificate.Unusable.class,
                () -> ServerCertificate.read(bytes(certificatePem), bytes(keyPem)));
        assertTrue(refused.getMessage().contains(problem), refused.getMessage());
        assertFalse(refused.getMessage().contains(keyBody), "the message shows the key");
    }
}
