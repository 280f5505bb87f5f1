package io.caracal.core.ledger;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

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

    /** An event as read: the leaf hash it was exported with, and its fields as the leaf encodes them. */
    record Event(byte[] leafHash, LedgerLeaf.Fields fields) {
        /** To name the event in a problem. */
        UUID eventId() {
            return UUID.fromString(new String(fields.eventId(), StandardCharsets.US_ASCII));
        }
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
            long occurred = LedgerLeaf.micros(row.occurredAt());
            out.svarint(occurred - previousOccurred);
            out.svarint(LedgerLeaf.micros(row.recordedAt()) - occurred);
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

    /**
     * The events of a block, decoded straight to the leaf's fields: no UUID, BigDecimal, Instant or map per event, and
     * each dictionary entry is converted once. Throws {@link IllegalArgumentException} naming what is unreadable.
     */
    static List<Event> read(byte[] block) {
        BundleBytes.ArrayIn in = new BundleBytes.ArrayIn(block);
        // Each event takes at least 40 bytes: a count beyond that is not a block, and must not size a list.
        int count = in.count(block.length / 40);
        List<Entry> dictionary = new ArrayList<>();
        List<Event> events = new ArrayList<>(count);
        long occurred = 0;
        for (int i = 0; i < count; i++) {
            Event event = event(in, dictionary, occurred);
            occurred = event.fields().occurredMicros();
            events.add(event);
        }
        if (!in.atEnd()) {
            throw new IllegalArgumentException("bytes follow its last event");
        }
        return events;
    }

    /**
     * One event, its occurrence a difference from {@code previousOccurred}. A method of its own, not the body of
     * read's loop: C2 compiles it once, where it compiled that loop on-stack-replaced three times and then whole,
     * 1.3 s of a fresh JVM's verify of a million events (shared machine).
     */
    private static Event event(BundleBytes.ArrayIn in, List<Entry> dictionary, long previousOccurred) {
        byte[] leafHash = in.fixed(32);
        byte[] eventId = in.uuidText();
        byte[] agentId = ref(in, dictionary, true);
        byte[] holdId = ref(in, dictionary, true);
        byte[] amount = in.leafAmount();
        byte[] currency = ref(in, dictionary, false);
        long occurred = previousOccurred + in.svarint();
        long recorded = occurred + in.svarint();
        byte[] resource = ref(in, dictionary, false);
        int metadataSize = in.count(in.remaining());
        // Grown as entries are read: a count a damaged file claims must not size an allocation.
        List<byte[]> metadata = new ArrayList<>();
        for (int m = 0; m < metadataSize; m++) {
            metadata.add(ref(in, dictionary, false));
            metadata.add(ref(in, dictionary, false));
        }
        int linesSize = in.count(in.remaining());
        List<byte[]> lines = new ArrayList<>();
        for (int l = 0; l < linesSize; l++) {
            lines.add(ref(in, dictionary, true));
            lines.add(in.leafAmount());
        }
        if (agentId == null || currency == null || metadata.contains(null) || lines.contains(null) || !LedgerLeaf.sortPairs(metadata)
                || !LedgerLeaf.sortPairs(lines)) {
            throw new IllegalArgumentException("event " + new String(eventId, StandardCharsets.US_ASCII) + " lacks a required field or repeats a key");
        }
        return new Event(leafHash, new LedgerLeaf.Fields(eventId, agentId, holdId == null ? LedgerLeaf.NONE : holdId, amount, currency, occurred,
                recorded, resource, metadata, lines));
    }

    /** A dictionary entry, in the form the leaf encodes it. */
    private record Entry(byte[] leafBytes, boolean uuid) {
    }

    /** The value a reference gives (null for none), as the leaf encodes it: a uuid in its 36 characters, or a text. */
    private static byte[] ref(BundleBytes.In in, List<Entry> dictionary, boolean uuid) {
        int code = in.count(dictionary.size() + 1L);
        if (code == NONE) {
            return null;
        }
        if (code == NEW) {
            Entry entry = new Entry(uuid ? in.uuidText() : in.leafText(), uuid);
            dictionary.add(entry);
            return entry.leafBytes();
        }
        Entry known = dictionary.get(code - 2);
        if (known.uuid() != uuid) {
            throw new IllegalArgumentException("a reference to a " + kind(known.uuid()) + " where a " + kind(uuid) + " belongs");
        }
        return known.leafBytes();
    }

    private static String kind(boolean uuid) {
        return uuid ? "uuid" : "text";
    }
}
