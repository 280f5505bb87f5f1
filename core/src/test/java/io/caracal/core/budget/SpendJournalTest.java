package io.caracal.core.budget;

import io.caracal.core.event.OutboxEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The journal file on its own: what goes in comes back in order, exactly; a torn or damaged tail is dropped, never read. */
class SpendJournalTest {
    @TempDir
    Path dir;

    private static final Instant AT = Instant.parse("2030-03-01T10:00:00.123456Z");

    private static OutboxEvent event(String payload) {
        return new OutboxEvent(UUID.randomUUID(), "caracal.metering.events", "agent", "io.caracal.Metering", "fp",
                payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), AT);
    }

    private static List<HoldBatch.Write> batch() {
        UUID hold = UUID.randomUUID();
        List<HoldBatch.Line> lines = List.of(new HoldBatch.Line(UUID.randomUUID(), new BigDecimal("0.300000000")),
                new HoldBatch.Line(UUID.randomUUID(), new BigDecimal("0.324000001")));
        return List.of(
                new HoldBatch.Open(hold, UUID.randomUUID(), "USD", new BigDecimal("0.30"), AT, AT.plusSeconds(300), "req-1", lines, true),
                new HoldBatch.Settle(hold, UUID.randomUUID(), UUID.randomUUID(), new BigDecimal("0.123456789"), "USD", AT, "api.example.com",
                        "{\"request_id\":\"req-1\",\"note\":\"" + "é".repeat(40_000) + "\"}", lines, event("metering"), null),
                new HoldBatch.Close(UUID.randomUUID(), HoldState.VOIDED, AT, event("decision")),
                new HoldBatch.Record(event("refused")));
    }

    @Test
    void recordsComeBackInOrderWithEveryField() throws IOException {
        List<HoldBatch.Write> first = batch();
        List<HoldBatch.Write> second = batch();
        try (SpendJournal journal = SpendJournal.open(dir)) {
            assertTrue(journal.isEmpty());
            journal.append(first);
            journal.append(second);
        }
        try (SpendJournal journal = SpendJournal.open(dir)) {
            List<List<HoldBatch.Write>> records = journal.records();
            assertEquals(2, records.size());
            assertSame(first, records.get(0));
            assertSame(second, records.get(1));
            journal.clear();
            assertTrue(journal.isEmpty());
        }
    }

    /** Records compare by value, except the events' byte arrays, compared here by content. */
    private static void assertSame(List<HoldBatch.Write> expected, List<HoldBatch.Write> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            HoldBatch.Write e = expected.get(i);
            HoldBatch.Write a = actual.get(i);
            if (e instanceof HoldBatch.Settle s) {
                HoldBatch.Settle t = (HoldBatch.Settle) a;
                assertEquals(new HoldBatch.Settle(s.holdId(), s.eventId(), s.agentId(), s.actual(), s.currency(), s.occurredAt(), s.resource(),
                        s.metadata(), s.lines(), null, null), new HoldBatch.Settle(t.holdId(), t.eventId(), t.agentId(), t.actual(), t.currency(),
                        t.occurredAt(), t.resource(), t.metadata(), t.lines(), null, null));
                assertEquals(s.metering().eventId(), t.metering().eventId());
                assertArrayEquals(s.metering().payload(), t.metering().payload());
                assertEquals(s.metering().createdAt(), t.metering().createdAt());
                assertEquals(null, t.decision());
            } else if (e instanceof HoldBatch.Close c) {
                HoldBatch.Close d = (HoldBatch.Close) a;
                assertEquals(List.of(c.holdId(), c.state(), c.at(), c.decision().eventId()), List.of(d.holdId(), d.state(), d.at(), d.decision().eventId()));
                assertArrayEquals(c.decision().payload(), d.decision().payload());
            } else if (e instanceof HoldBatch.Record r) {
                assertEquals(r.event().eventId(), ((HoldBatch.Record) a).event().eventId());
                assertEquals(r.event().topic(), ((HoldBatch.Record) a).event().topic());
            } else {
                assertEquals(e, a);
            }
        }
    }

    @Test
    void aRecordCutShortByACrashIsDroppedAndTheOnesBeforeItStay() throws IOException {
        try (SpendJournal journal = SpendJournal.open(dir)) {
            journal.append(batch());
            journal.append(batch());
        }
        Path file = dir.resolve(SpendJournal.FILE);
        long whole = Files.size(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(whole - 10);
        }
        try (SpendJournal journal = SpendJournal.open(dir)) {
            assertEquals(1, journal.records().size());
            journal.append(batch());
            assertEquals(2, journal.records().size(), "a record appended after the dropped tail is read");
        }
    }

    @Test
    void aDamagedRecordIsNotReadNorAnythingAfterIt() throws IOException {
        try (SpendJournal journal = SpendJournal.open(dir)) {
            journal.append(batch());
            journal.append(batch());
        }
        Path file = dir.resolve(SpendJournal.FILE);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2 + 40] ^= 0x01; // inside the second record
        Files.write(file, bytes);
        try (SpendJournal journal = SpendJournal.open(dir)) {
            assertEquals(1, journal.records().size());
        }
    }

    @Test
    void twoGatewaysCannotShareOneJournal() {
        try (SpendJournal ignored = SpendJournal.open(dir)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SpendJournal.open(dir));
            assertTrue(e.getMessage().contains("DEGRADED_JOURNAL_DIR"), e.getMessage());
        }
        SpendJournal.open(dir).close(); // released on close
    }

    @Test
    void theFileIsReadableByItsOwnerOnly() throws IOException {
        SpendJournal.open(dir).close();
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(SpendJournal.FILE))));
    }
}
