package io.caracal.core.ledger;

import io.caracal.core.merkle.Rfc6962;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;

/**
 * The canonical encoding of a ledger event as leaf {@code index} of the log (version 1). Every field is covered,
 * metadata and budget lines included, each length-prefixed so no two different events encode alike: a version
 * byte, the leaf index, then event id, agent id, hold id (empty when none), amount (plain, 9 decimals), currency,
 * occurred and recorded times (microseconds since the epoch), resource (a presence byte, then the text), and the
 * metadata and budget lines as counted, key-sorted pairs. The index is inside the leaf, so moving an event to
 * another position changes its hash.
 */
public final class LedgerLeaf {
    public static final byte VERSION = 1;

    private LedgerLeaf() {
    }

    public static byte[] encode(long index, LedgerRow row) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeLong(index);
            text(out, row.eventId().toString());
            text(out, row.agentId().toString());
            text(out, row.holdId() == null ? "" : row.holdId().toString());
            text(out, amount(row.amount()));
            text(out, row.currency());
            out.writeLong(micros(row.occurredAt()));
            out.writeLong(micros(row.recordedAt()));
            out.writeBoolean(row.resource() != null);
            text(out, row.resource() == null ? "" : row.resource());
            Map<String, String> metadata = new TreeMap<>(row.metadata());
            out.writeInt(metadata.size());
            for (Map.Entry<String, String> entry : metadata.entrySet()) {
                text(out, entry.getKey());
                text(out, entry.getValue());
            }
            Map<String, BigDecimal> lines = new TreeMap<>();
            row.lines().forEach((policy, amount) -> lines.put(policy.toString(), amount));
            out.writeInt(lines.size());
            for (Map.Entry<String, BigDecimal> line : lines.entrySet()) {
                text(out, line.getKey());
                text(out, amount(line.getValue()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] hash(long index, LedgerRow row) {
        return Rfc6962.leafHash(encode(index, row));
    }

    private static String amount(BigDecimal value) {
        return value.setScale(9, RoundingMode.UNNECESSARY).toPlainString();
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }
}
