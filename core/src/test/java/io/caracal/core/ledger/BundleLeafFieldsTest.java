package io.caracal.core.ledger;

import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The verifier decodes a bundle's events straight to the leaf's fields (BundleEventBlock.read), without the LedgerRow
 * that LedgerLeaf.encode(index, row) takes: the leaves it gives must be that encoding's byte for byte, for events with
 * every kind of field, and each field must reach the leaf, so an exporter's event changed in any field changes it.
 */
class BundleLeafFieldsTest {
    private static final UUID AGENT = UUID.fromString("7a3f2b8c-0000-4000-8000-000000000001");
    /** UUID.compareTo is signed, so the exporter writes ffffffff-... first; the leaf sorts the ids' text, where it is last. */
    private static final UUID HIGH = UUID.fromString("ffffffff-0000-4000-8000-000000000000");
    private static final UUID LOW = UUID.fromString("11111111-0000-4000-8000-000000000000");
    private static final UUID MIDDLE = UUID.fromString("8aaaaaaa-0000-4000-8000-000000000000");
    private static final Instant AT = Instant.parse("2026-12-05T10:00:00.000001Z");

    private static final List<LedgerRow> EVENTS = List.of(
            event(null, "0.000000001", "USD", Instant.parse("1969-12-31T23:59:59.999999Z"), null, Map.of(), Map.of()),
            event(UUID.fromString("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"), "12345678901234567890123456789.123456789", "XAU", AT,
                    "api.example.com/v1/chat", Map.of("b", "2", "a", "1", "A", "0"), Map.of(HIGH, new BigDecimal("1.5"))),
            // U+FFFD sorts after U+1F600 as Strings (UTF-16) but before it in UTF-8, as U+E000 does.
            event(null, "-42.5", "USD", AT.plusSeconds(1), "ресурс/模型/😀", Map.of("é", "ü", "\uFFFD", "replacement", "😀", "astral", "\uE000", "private",
                    "empty", ""), Map.of(HIGH, new BigDecimal("0.000000001"), LOW, new BigDecimal("99999999999999999999999999999.999999999"),
                    MIDDLE, new BigDecimal("-7"))),
            // The units of 10^-9 at a long's ends: the smallest takes BigDecimal's way, the largest and zero the long's.
            event(UUID.randomUUID(), "-9223372036.854775808", "EUR", AT.minusSeconds(5), "", Map.of("k", "v"), Map.of(LOW, BigDecimal.ZERO)),
            event(null, "9223372036.854775807", "EUR", AT, "r", Map.of(), Map.of(MIDDLE, new BigDecimal("-9223372036.854775807"))),
            event(null, "0", "USD", AT, "r", Map.of("k", "w"), Map.of()));

    private static LedgerRow event(UUID hold, String amount, String currency, Instant occurred, String resource, Map<String, String> metadata,
                                   Map<UUID, BigDecimal> lines) {
        return new LedgerRow(UUID.randomUUID(), AGENT, hold, new BigDecimal(amount), currency, occurred, occurred.plusMillis(3), resource, metadata, lines);
    }

    /** The events as the verifier reads them back from one block, so later ones refer to the dictionary entries of earlier ones. */
    private static List<BundleEventBlock.Event> readBack(List<LedgerRow> rows) {
        BundleEventBlock.Writer block = new BundleEventBlock.Writer();
        for (int i = 0; i < rows.size(); i++) {
            block.add(rows.get(i), LedgerLeaf.hash(i, rows.get(i)));
        }
        return BundleEventBlock.read(block.finish());
    }

    @Test
    void eachEventReadBackEncodesAsItsLedgerRowDoes() {
        List<BundleEventBlock.Event> read = readBack(EVENTS);
        assertEquals(EVENTS.size(), read.size());
        for (int i = 0; i < EVENTS.size(); i++) {
            LedgerRow row = EVENTS.get(i);
            LedgerLeaf.Fields fields = read.get(i).fields();
            assertArrayEquals(LedgerLeaf.encode(i, row), LedgerLeaf.encode(i, fields), "event " + i + ": " + hex(LedgerLeaf.encode(i, fields)));
            // Hashed in the thread's reused buffer, after longer and shorter leaves.
            assertArrayEquals(LedgerLeaf.hash(i, row), LedgerLeaf.hash(i, fields), "event " + i);
            assertArrayEquals(LedgerLeaf.hash(i, row), read.get(i).leafHash());
            assertEquals(row.eventId(), read.get(i).eventId());
        }
    }

    @Test
    void anyFieldChangedChangesTheLeaf() throws Exception {
        List<BundleEventBlock.Event> read = readBack(EVENTS);
        RecordComponent[] components = LedgerRow.class.getRecordComponents();
        int flips = 0;
        for (int i = 0; i < EVENTS.size(); i++) {
            LedgerRow row = EVENTS.get(i);
            byte[] leaf = LedgerLeaf.encode(i, read.get(i).fields());
            assertFalse(Arrays.equals(leaf, LedgerLeaf.encode(i + 1, read.get(i).fields())), "the index is in the leaf");
            for (int c = 0; c < components.length; c++) {
                for (Object value : changed(components[c].getName(), components[c].getAccessor().invoke(row))) {
                    Object[] values = new Object[components.length];
                    for (int v = 0; v < components.length; v++) {
                        values[v] = v == c ? value : components[v].getAccessor().invoke(row);
                    }
                    LedgerRow changed = (LedgerRow) LedgerRow.class.getDeclaredConstructors()[0].newInstance(values);
                    List<LedgerRow> rows = new ArrayList<>(EVENTS.subList(0, i));
                    rows.add(changed);
                    LedgerLeaf.Fields fields = readBack(rows).get(i).fields();
                    String what = "event " + i + " with " + components[c].getName() + " " + value;
                    assertArrayEquals(LedgerLeaf.encode(i, changed), LedgerLeaf.encode(i, fields), what);
                    assertFalse(Arrays.equals(leaf, LedgerLeaf.encode(i, fields)), what + " gives the same leaf");
                    flips++;
                }
            }
        }
        assertEquals(EVENTS.size() * 14, flips);
    }

    /** Other values of a LedgerRow field, each one the leaf must tell from {@code value}. */
    @SuppressWarnings("unchecked")
    private static List<Object> changed(String field, Object value) {
        return switch (field) {
            case "eventId", "agentId" -> List.of(UUID.randomUUID());
            case "holdId" -> List.of(value == null ? UUID.randomUUID() : UUID.fromString("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0fa"));
            case "amount" -> List.of(((BigDecimal) value).add(new BigDecimal("0.000000001")));
            case "currency" -> List.of(value + "X");
            case "occurredAt", "recordedAt" -> List.of(((Instant) value).plusNanos(1000));
            // An empty resource is not none: a presence byte tells them apart.
            case "resource" -> List.of(value == null ? "" : ((String) value).isEmpty() ? "r" : ((String) value).substring(1));
            case "metadata" -> {
                Map<String, String> added = new HashMap<>((Map<String, String>) value);
                added.put("\uD83D\uDE01", "");
                Map<String, String> valueChanged = new HashMap<>((Map<String, String>) value);
                valueChanged.replaceAll((k, v) -> v + "!");
                valueChanged.putIfAbsent("z", "1");
                Map<String, String> keyChanged = new HashMap<>();
                ((Map<String, String>) value).forEach((k, v) -> keyChanged.put(k + "!", v));
                keyChanged.putIfAbsent("y", "1");
                yield List.of(added, valueChanged, keyChanged);
            }
            case "lines" -> {
                Map<UUID, BigDecimal> added = new HashMap<>((Map<UUID, BigDecimal>) value);
                added.put(UUID.fromString("00000000-0000-4000-8000-000000000000"), BigDecimal.ONE);
                Map<UUID, BigDecimal> amountChanged = new HashMap<>((Map<UUID, BigDecimal>) value);
                amountChanged.replaceAll((k, v) -> v.add(new BigDecimal("0.000000001")));
                amountChanged.putIfAbsent(HIGH, BigDecimal.ONE);
                Map<UUID, BigDecimal> policyChanged = new HashMap<>();
                ((Map<UUID, BigDecimal>) value).forEach((k, v) -> policyChanged.put(new UUID(k.getMostSignificantBits(), ~k.getLeastSignificantBits()), v));
                policyChanged.putIfAbsent(LOW, BigDecimal.TEN);
                yield List.of(added, amountChanged, policyChanged);
            }
            default -> throw new AssertionError("a LedgerRow field this test does not change: " + field);
        };
    }

    /** The verifier's leaf of a text that is not valid UTF-8 is the one of the String it decodes to, as when it read Strings. */
    @Test
    void invalidUtf8EncodesAsTheStringItDecodesTo() {
        byte[] resource = {'a', (byte) 0xC3, '(', 'b'};
        byte[] key = {(byte) 0xED, (byte) 0xA0, (byte) 0x80, 'k'};
        LedgerRow row = new LedgerRow(UUID.randomUUID(), AGENT, null, new BigDecimal("1.5"), "USD", AT, AT, new String(resource, StandardCharsets.UTF_8),
                Map.of(new String(key, StandardCharsets.UTF_8), "v", "\uFFFE", "w"), Map.of());
        BundleBytes.Out block = new BundleBytes.Out(256);
        block.uvarint(1);
        block.writeBytes(new byte[32]);
        block.uuid(row.eventId());
        block.uvarint(1);
        block.uuid(AGENT);
        block.uvarint(0);
        block.amount(row.amount());
        block.uvarint(1);
        block.text("USD");
        block.svarint(AT.getEpochSecond() * 1_000_000 + AT.getNano() / 1000);
        block.svarint(0);
        block.uvarint(1);
        block.bytes(resource);
        block.uvarint(2);
        block.uvarint(1);
        block.bytes(key);
        block.uvarint(1);
        block.text("v");
        block.uvarint(1);
        block.text("\uFFFE");
        block.uvarint(1);
        block.text("w");
        block.uvarint(0);
        List<BundleEventBlock.Event> read = BundleEventBlock.read(block.toByteArray());
        assertArrayEquals(LedgerLeaf.encode(7, row), LedgerLeaf.encode(7, read.get(0).fields()), hex(LedgerLeaf.encode(7, read.get(0).fields())));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
