package io.caracal.core.ledger;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NoteSignerTest {
    private static final byte[] BODY = "caracal.example/log\n1000\nq0tAj2fKmKsqpKnzWuZqb3c9h1uXcWN4bk9rj1G9XtY=\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void javasSunEcVerifiesWhatItSigns() throws Exception {
        KeyPair pair = p256();
        byte[] signature = NoteSigner.sign((ECPrivateKey) pair.getPrivate(), BODY);
        Signature sunEc = Signature.getInstance("SHA256withECDSA", "SunEC");
        sunEc.initVerify(pair.getPublic());
        sunEc.update(BODY);
        assertTrue(sunEc.verify(signature));
    }

    @Test
    void verifiesWhatJavasSunEcSigned() throws Exception {
        KeyPair pair = p256();
        for (int i = 0; i < 20; i++) { // random nonces: some signatures have short r or s, which DER encodes shorter
            Signature sunEc = Signature.getInstance("SHA256withECDSA", "SunEC");
            sunEc.initSign(pair.getPrivate());
            sunEc.update(BODY);
            assertTrue(NoteSigner.verify((ECPublicKey) pair.getPublic(), BODY, sunEc.sign()));
        }
    }

    @Test
    void theSameNoteAndKeyGiveTheSameSignature() throws Exception {
        KeyPair pair = p256();
        byte[] first = NoteSigner.sign((ECPrivateKey) pair.getPrivate(), BODY);
        assertArrayEquals(first, NoteSigner.sign((ECPrivateKey) pair.getPrivate(), BODY));
        assertFalse(Arrays.equals(first, NoteSigner.sign((ECPrivateKey) pair.getPrivate(), Arrays.copyOf(BODY, BODY.length - 1))));
        assertFalse(Arrays.equals(first, NoteSigner.sign((ECPrivateKey) p256().getPrivate(), BODY)));
    }

    @Test
    void refusesAnotherMessageAnotherKeyAndMalformedSignatures() throws Exception {
        KeyPair pair = p256();
        ECPublicKey key = (ECPublicKey) pair.getPublic();
        byte[] signature = NoteSigner.sign((ECPrivateKey) pair.getPrivate(), BODY);
        byte[] altered = BODY.clone();
        altered[altered.length - 2] ^= 1;
        assertFalse(NoteSigner.verify(key, altered, signature));
        assertFalse(NoteSigner.verify((ECPublicKey) p256().getPublic(), BODY, signature));
        byte[] flipped = signature.clone();
        flipped[flipped.length - 1] ^= 1;
        assertFalse(NoteSigner.verify(key, BODY, flipped));
        assertFalse(NoteSigner.verify(key, BODY, Arrays.copyOf(signature, signature.length - 1)));
        assertFalse(NoteSigner.verify(key, BODY, new byte[0]));
    }

    /** NoteSigner keeps the last key prepared: keys taken in turn, on threads at once, each still verifies only its own signature. */
    @Test
    void keysTakenInTurnOnManyThreadsEachVerifyTheirOwnSignatures() throws Exception {
        List<KeyPair> pairs = List.of(p256(), p256(), p256());
        List<byte[]> signatures = pairs.stream().map(p -> NoteSigner.sign((ECPrivateKey) p.getPrivate(), BODY)).toList();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                ECPublicKey key = (ECPublicKey) pairs.get(i % 3).getPublic();
                byte[] own = signatures.get(i % 3);
                byte[] other = signatures.get((i + 1) % 3);
                results.add(threads.submit(() -> NoteSigner.verify(key, BODY, own) && !NoteSigner.verify(key, BODY, other)));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static KeyPair p256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }
}
