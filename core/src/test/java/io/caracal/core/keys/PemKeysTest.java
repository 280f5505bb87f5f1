package io.caracal.core.keys;

import io.caracal.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Public keys read with the JDK alone: what publicPem (Bouncy Castle) and openssl write, and a clear refusal of anything else. */
class PemKeysTest {
    @Test
    void readsThePublicKeysItWritesWithOrWithoutTextAround(@TempDir Path dir) throws Exception {
        PemKeys.SigningKey key = PemKeys.generate(dir.resolve("key.pem"));
        String pem = PemKeys.publicPem(key.publicKey());
        for (String text : new String[]{pem, "operator key, 2026\n" + pem + "\n", pem.replace("\n", "\r\n")}) {
            ECPublicKey read = PemKeys.readPublic(text);
            assertArrayEquals(key.publicKey().getEncoded(), read.getEncoded());
            assertEquals(key.keyId(), PemKeys.keyId(read));
        }
        Path file = Files.writeString(dir.resolve("key.pub"), pem);
        assertArrayEquals(key.publicKey().getEncoded(), PemKeys.readPublic(file).getEncoded());
    }

    @Test
    void refusesWhatIsNoP256PublicKey(@TempDir Path dir) throws Exception {
        String pem = PemKeys.publicPem(PemKeys.generate().publicKey());
        PemKeys.generate(dir.resolve("private.pem"));
        String privateKey = Files.readString(dir.resolve("private.pem"));
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        assertRefused("", "not a PEM public key");
        assertRefused("{\"format\": \"caracal-ledger-bundle\"}", "not a PEM public key");
        assertRefused("{\"public_key_pem\": \"" + pem.replace("\n", "\\n") + "\"}\n", "not a PEM public key");
        assertRefused(privateKey + pem, "not a PEM public key");
        assertRefused(pem.substring(0, pem.indexOf("-----END")), "unreadable PEM public key");
        assertRefused(PemKeys.publicPem(p384.generateKeyPair().getPublic()), "not an ECDSA P-256 public key");
        assertRefused(PemKeys.publicPem(rsa.generateKeyPair().getPublic()), "not an ECDSA P-256 public key");
        assertRefused(pem.replace("\n-----END", "AAAA\n-----END"), "unreadable PEM public key");
        assertRefused(pem.replace("MFkw", "MFow"), "not an ECDSA P-256 public key");
        InvalidInputException named = assertThrows(InvalidInputException.class,
                () -> PemKeys.readPublic(Files.writeString(dir.resolve("bad.pub"), "garbage")));
        assertTrue(named.getMessage().startsWith(dir.resolve("bad.pub") + ": not a PEM public key"), named.getMessage());
    }

    private static void assertRefused(String pem, String message) {
        InvalidInputException refused = assertThrows(InvalidInputException.class, () -> PemKeys.readPublic(pem));
        assertTrue(refused.getMessage().startsWith(message), refused.getMessage());
    }
}
