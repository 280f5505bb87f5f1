package io.caracal.core.ledger;

import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;

/**
 * Checkpoints as C2SP signed notes: the body, a blank line, then one line per signature,
 * "— name base64(key hash || DER ECDSA signature)". Verification needs only the note and the public keys.
 */
public final class SignedNotes {
    private static final String DASH = "\u2014 ";

    private SignedNotes() {
    }

    public static String sign(Checkpoint checkpoint, NoteKey key, ECPrivateKey privateKey) {
        byte[] signature = NoteSigner.sign(privateKey, checkpoint.bodyBytes());
        byte[] blob = new byte[4 + signature.length];
        System.arraycopy(key.keyHash(), 0, blob, 0, 4);
        System.arraycopy(signature, 0, blob, 4, signature.length);
        return checkpoint.body() + "\n" + DASH + key.name() + " " + Base64.getEncoder().encodeToString(blob) + "\n";
    }

    /** What a verified note says, and which key signed it. */
    public record Verified(Checkpoint checkpoint, NoteKey key) {
    }

    /** The checkpoint of {@code note} if one of {@code keys} signed it; throws naming what is wrong otherwise. */
    public static Verified verify(String note, Collection<NoteKey> keys) throws InvalidCheckpointException {
        int split = note.indexOf("\n\n");
        if (split < 0 || !note.endsWith("\n")) {
            throw new InvalidCheckpointException("not a signed note: no blank line between body and signatures");
        }
        String body = note.substring(0, split + 1);
        Checkpoint checkpoint;
        try {
            checkpoint = Checkpoint.parse(body);
        } catch (IllegalArgumentException e) {
            throw new InvalidCheckpointException(e.getMessage());
        }
        for (String line : note.substring(split + 2).split("\n")) {
            if (!line.startsWith(DASH)) {
                throw new InvalidCheckpointException("malformed signature line");
            }
            String[] parts = line.substring(DASH.length()).split(" ");
            if (parts.length != 2) {
                throw new InvalidCheckpointException("malformed signature line");
            }
            byte[] blob;
            try {
                blob = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new InvalidCheckpointException("signature is not base64");
            }
            if (blob.length < 5) {
                throw new InvalidCheckpointException("signature too short");
            }
            for (NoteKey key : keys) {
                if (key.name().equals(parts[0]) && MessageDigest.isEqual(key.keyHash(), Arrays.copyOf(blob, 4))) {
                    if (!valid(checkpoint, key, Arrays.copyOfRange(blob, 4, blob.length))) {
                        throw new InvalidCheckpointException("the signature of key " + key.keyId() + " does not match the checkpoint: it was altered");
                    }
                    return new Verified(checkpoint, key);
                }
            }
        }
        throw new InvalidCheckpointException("signed by no known key");
    }

    private static boolean valid(Checkpoint checkpoint, NoteKey key, byte[] signature) {
        return NoteSigner.verify(key.publicKey(), checkpoint.bodyBytes(), signature);
    }
}
