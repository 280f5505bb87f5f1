package io.caracal.core.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A C2SP tlog-checkpoint body: the log's origin, its size and its RFC 6962 root, one per line. What a signature
 * covers is exactly these bytes.
 */
public record Checkpoint(String origin, long size, byte[] root) {

    public Checkpoint {
        if (origin == null || origin.isBlank() || origin.contains("\n")) {
            throw new IllegalArgumentException("a checkpoint origin is one non-empty line");
        }
        if (size < 0 || root == null || root.length != 32) {
            throw new IllegalArgumentException("a checkpoint has a size >= 0 and a 32-byte root");
        }
    }

    public String body() {
        return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
    }

    byte[] bodyBytes() {
        return body().getBytes(StandardCharsets.UTF_8);
    }

    /** Parses a body as {@link #body()} writes it; extension lines are not used by Caracal and are refused. */
    static Checkpoint parse(String body) {
        String[] lines = body.split("\n", -1);
        if (lines.length != 4 || !lines[3].isEmpty()) {
            throw new IllegalArgumentException("a checkpoint body is three lines: origin, size, root");
        }
        try {
            return new Checkpoint(lines[0], Long.parseLong(lines[1]), Base64.getDecoder().decode(lines[2]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed checkpoint: " + e.getMessage(), e);
        }
    }
}
