package io.caracal.core.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * The events of one checkpoint in the binary bundle, in leaf order: a count, then per event the leaf hash it was
 * exported with (only to name a changed event; never trusted) and the fields {@link LedgerLeaf} covers. Repeated
 * strings and UUIDs (agents, currencies, resources, metadata keys, policies) are written once per block and then
 * referred to by number; times are microseconds, each event's occurrence as the difference from the previous one's and
 * its recording as the difference from its occurrence. Each block has its own dictionaries, so blocks decode
 * independently, in parallel. The layout is documented byte by byte in docs/ledger.md.
 */
final class BundleEventBlock {
    /** Reference codes: 0 is none (null), 1 a new entry written in place, n >= 2 the dictionary's entry n - 2. */
    private static final int NONE = 0;
    private static final int NEW = 1;

    private BundleEventBlock() {
    }

    /** An event as exported: the leaf hash the exporter read with it, and its fields. */
    record Event(byte[] leafHash, LedgerRow row) {
    }

    /** Accumulates one block. */
    static final class Writer {
        private final BundleBytes.Out out = new BundleBytes.Out(64 * 1024);
        private final Map<Object, Integer> dictionary = new HashMap<>();
        private long previousOccurred;
        private int events;

        void add(LedgerRow row, byte[] leafHash) {
            out.writeBytes(leafHash);
            out.uuid(row.eventId());
            uuidRef(row.agentId());
            uuidRef(row.holdId());
            out.amount(row.amount());
            textRef(row.currency());
            long occurred = micros(row.occurredAt());
            out.svarint(occurred - previousOccurred);
            out.svarint(micros(row.recordedAt()) - occurred);
            previousOccurred = occurred;
            textRef(row.resource());
            out.uvarint(row.metadata().size());
            for (Map.Entry<String, String> entry : new TreeMap<>(row.metadata()).entrySet()) {
                textRef(entry.getKey());
                textRef(entry.getValue());
            }
            out.uvarint(row.lines().size());
            for (Map.Entry<UUID, BigDecimal> line : new TreeMap<>(row.lines()).entrySet()) {
                uuidRef(line.getKey());
                out.amount(line.getValue());
            }
            events++;
        }

        /** The block: the event count, then the events. */
        byte[] finish() {
            BundleBytes.Out block = new BundleBytes.Out(out.size() + 5);
            block.uvarint(events);
            block.writeBytes(out.toByteArray());
            return block.toByteArray();
        }

        /** Writes the reference and tells whether the value itself must follow. */
        private boolean ref(Object value) {
            if (value == null) {
                out.uvarint(NONE);
                return false;
            }
            Integer known = dictionary.get(value);
            if (known != null) {
                out.uvarint(known + 2L);
                return false;
            }
            dictionary.put(value, dictionary.size());
            out.uvarint(NEW);
            return true;
        }

        private void uuidRef(UUID value) {
            if (ref(value)) {
                out.uuid(value);
            }
        }

        private void textRef(String value) {
            if (ref(value)) {
                out.text(value);
            }
        }
    }

    /** The events of a block; throws {@link IllegalArgumentException} naming what is unreadable. */
    static List<Event> read(byte[] block) {
        BundleBytes.ArrayIn in = new BundleBytes.ArrayIn(block);
        // Each event takes at least 40 bytes: a count beyond that is not a block, and must not size a list.
        int count = in.count(block.length / 40);
        List<Object> dictionary = new ArrayList<>();
        List<Event> events = new ArrayList<>(count);
        long occurred = 0;
        for (int i = 0; i < count; i++) {
            byte[] leafHash = in.fixed(32);
            UUID eventId = in.uuid();
            UUID agentId = uuidRef(in, dictionary);
            UUID holdId = uuidRef(in, dictionary);
            BigDecimal amount = in.amount();
            String currency = textRef(in, dictionary);
            occurred += in.svarint();
            long recorded = occurred + in.svarint();
            String resource = textRef(in, dictionary);
            int metadataSize = in.count(block.length);
            Map<String, String> metadata = new HashMap<>();
            for (int m = 0; m < metadataSize; m++) {
                metadata.put(textRef(in, dictionary), textRef(in, dictionary));
            }
            int linesSize = in.count(block.length);
            Map<UUID, BigDecimal> lines = new HashMap<>();
            for (int l = 0; l < linesSize; l++) {
                lines.put(uuidRef(in, dictionary), in.amount());
            }
            if (agentId == null || currency == null || metadata.size() != metadataSize || lines.size() != linesSize
                    || metadata.containsKey(null) || metadata.containsValue(null) || lines.containsKey(null)) {
                throw new IllegalArgumentException("event " + eventId + " lacks a required field or repeats a key");
            }
            events.add(new Event(leafHash, new LedgerRow(eventId, agentId, holdId, amount, currency, instant(occurred), instant(recorded), resource,
                    metadata, lines)));
        }
        if (!in.atEnd()) {
            throw new IllegalArgumentException("bytes follow its last event");
        }
        return events;
    }

    private static UUID uuidRef(BundleBytes.In in, List<Object> dictionary) {
        return ref(in, dictionary, UUID.class, BundleBytes.In::uuid);
    }

    private static String textRef(BundleBytes.In in, List<Object> dictionary) {
        return ref(in, dictionary, String.class, BundleBytes.In::text);
    }

    private static <T> T ref(BundleBytes.In in, List<Object> dictionary, Class<T> type, Function<BundleBytes.In, T> readNew) {
        int code = in.count(dictionary.size() + 1L);
        if (code == NONE) {
            return null;
        }
        if (code == NEW) {
            T value = readNew.apply(in);
            dictionary.add(value);
            return value;
        }
        Object known = dictionary.get(code - 2);
        if (!type.isInstance(known)) {
            throw new IllegalArgumentException("a reference to a " + known.getClass().getSimpleName() + " where a " + type.getSimpleName() + " belongs");
        }
        return type.cast(known);
    }

    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }

    private static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
