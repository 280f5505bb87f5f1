package io.caracal.cli;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.MessageDigest;
import java.util.Base64;

/** Checks a password against a PostgreSQL SCRAM-SHA-256 verifier ({@code SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>}, RFC 5802). */
final class ScramVerifier {
    private ScramVerifier() {
    }

    static boolean matches(String verifier, String password) throws Exception {
        String[] parts = verifier.split("[$:]");
        if (parts.length != 5 || !parts[0].equals("SCRAM-SHA-256")) {
            return false;
        }
        byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(password.toCharArray(), Base64.getDecoder().decode(parts[2]), Integer.parseInt(parts[1]), 256))
                .getEncoded();
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(salted, "HmacSHA256"));
        byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(hmac.doFinal("Client Key".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return MessageDigest.isEqual(storedKey, Base64.getDecoder().decode(parts[3]));
    }
}
