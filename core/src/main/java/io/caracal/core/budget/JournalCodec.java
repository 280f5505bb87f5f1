package io.caracal.core.budget;

import io.caracal.core.event.OutboxEvent;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One group commit's writes as the bytes of a {@link SpendJournal} record, field by field in a fixed order (no
 * framework, no reflection: the format is this class). Amounts travel as their exact decimal text.
 */
final class JournalCodec {
    private static final byte OPEN = 1;
    private static final byte SETTLE = 2;
    private static final byte CLOSE = 3;
    private static final byte RECORD = 4;

    private JournalCodec() {
    }

    static byte[] encode(List<? extends HoldBatch.Write> writes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(writes.size());
            for (HoldBatch.Write write : writes) {
                if (write instanceof HoldBatch.Open o) {
                    out.writeByte(OPEN);
                    uuid(out, o.holdId());
                    uuid(out, o.agentId());
                    text(out, o.currency());
                    decimal(out, o.estimate());
                    instant(out, o.createdAt());
                    instant(out, o.expiresAt());
                    text(out, o.requestId());
                    lines(out, o.lines());
                } else if (write instanceof HoldBatch.Settle s) {
                    out.writeByte(SETTLE);
                    uuid(out, s.holdId());
                    uuid(out, s.eventId());
                    uuid(out, s.agentId());
                    decimal(out, s.actual());
                    text(out, s.currency());
                    instant(out, s.occurredAt());
                    text(out, s.resource());
                    text(out, s.metadata());
                    lines(out, s.lines());
                    event(out, s.metering());
                    event(out, s.decision());
                } else if (write instanceof HoldBatch.Close c) {
                    out.writeByte(CLOSE);
                    uuid(out, c.holdId());
                    text(out, c.state().label());
                    instant(out, c.at());
                    event(out, c.decision());
                } else {
                    out.writeByte(RECORD);
                    event(out, ((HoldBatch.Record) write).event());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** The writes of a record; every Open as degraded, which it was to be journaled. */
    static List<HoldBatch.Write> decode(byte[] record) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(record));
        int count = in.readInt();
        List<HoldBatch.Write> writes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte kind = in.readByte();
            writes.add(switch (kind) {
                case OPEN -> new HoldBatch.Open(uuid(in), uuid(in), text(in), decimal(in), instant(in), instant(in), text(in), lines(in), true);
                case SETTLE -> new HoldBatch.Settle(uuid(in), uuid(in), uuid(in), decimal(in), text(in), instant(in), text(in), text(in), lines(in),
                        event(in), event(in));
                case CLOSE -> new HoldBatch.Close(uuid(in), HoldState.fromLabel(text(in)), instant(in), event(in));
                case RECORD -> new HoldBatch.Record(event(in));
                default -> throw new IOException("unknown write kind " + kind + " in a journal record");
            });
        }
        if (in.available() > 0) {
            throw new IOException(in.available() + " bytes left over after a journal record's writes");
        }
        return writes;
    }

    private static void uuid(DataOutputStream out, UUID id) throws IOException {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    private static UUID uuid(DataInputStream in) throws IOException {
        return new UUID(in.readLong(), in.readLong());
    }

    /** Null-safe: a flag, then the UTF-8 bytes with their length (no 64 KiB bound, unlike writeUTF). */
    private static void text(DataOutputStream out, String text) throws IOException {
        bytes(out, text == null ? null : text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(DataInputStream in) throws IOException {
        byte[] bytes = bytes(in);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static void bytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeBoolean(bytes != null);
        if (bytes != null) {
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("a field of " + length + " bytes runs past its journal record");
        }
        return in.readNBytes(length);
    }

    private static void decimal(DataOutputStream out, BigDecimal amount) throws IOException {
        text(out, amount.toPlainString());
    }

    private static BigDecimal decimal(DataInputStream in) throws IOException {
        return new BigDecimal(text(in));
    }

    private static void instant(DataOutputStream out, Instant at) throws IOException {
        out.writeLong(at.getEpochSecond());
        out.writeInt(at.getNano());
    }

    private static Instant instant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    private static void lines(DataOutputStream out, List<HoldBatch.Line> lines) throws IOException {
        out.writeInt(lines.size());
        for (HoldBatch.Line line : lines) {
            uuid(out, line.policyId());
            decimal(out, line.amount());
        }
    }

    private static List<HoldBatch.Line> lines(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<HoldBatch.Line> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(new HoldBatch.Line(uuid(in), decimal(in)));
        }
        return lines;
    }

    private static void event(DataOutputStream out, OutboxEvent event) throws IOException {
        out.writeBoolean(event != null);
        if (event != null) {
            uuid(out, event.eventId());
            text(out, event.topic());
            text(out, event.key());
            text(out, event.type());
            text(out, event.schemaFingerprint());
            bytes(out, event.payload());
            instant(out, event.createdAt());
        }
    }

    private static OutboxEvent event(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        return new OutboxEvent(uuid(in), text(in), text(in), text(in), text(in), bytes(in), instant(in));
    }
}
