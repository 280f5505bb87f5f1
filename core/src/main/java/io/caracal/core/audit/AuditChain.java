package io.caracal.core.audit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The audit log's hash chain: row n's hash is SHA-256 over a domain tag, row n-1's hash and every field of row n,
 * each length-prefixed so no two different rows encode alike. The first row links to 32 zero bytes. Changing,
 * removing, inserting or reordering any row changes every hash from there on.
 */
public final class AuditChain {
    public static final byte[] GENESIS = new byte[32];
    private static final byte[] TAG = "caracal-audit-v1".getBytes(StandardCharsets.US_ASCII);

    private AuditChain() {
    }

    public static byte[] hash(byte[] prevHash, AuditEntry e) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + e.payload().length + e.details().length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            field(out, TAG);
            field(out, prevHash);
            out.writeLong(e.seq());
            text(out, e.topic());
            out.writeInt(e.partition());
            out.writeLong(e.offset());
            text(out, e.eventId().toString());
            text(out, e.eventType());
            text(out, e.agentId() == null ? "" : e.agentId().toString());
            text(out, e.occurredAt().toString());
            text(out, e.recordedAt().toString());
            text(out, e.schemaFingerprint());
            field(out, e.payload());
            text(out, e.details());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return sha256(bytes.toByteArray());
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        field(out, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void field(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
