package io.caracal.core.pipeline;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which group a record sent back by {@code caracal dlq retry} is for, and what it becomes when it fails again. */
class RedeliveryTest {
    private static ConsumedRecord record(Map<String, byte[]> headers) {
        return new ConsumedRecord("caracal.metering.events", 0, 7, "k", "v".getBytes(StandardCharsets.UTF_8), headers, 0);
    }

    private static DeadLetter letter(String group, int retries) {
        return new DeadLetter(UUID.randomUUID(), "e-1", record(Map.of("event_id", "e-1".getBytes(StandardCharsets.UTF_8))), "InvalidEvent", "bad", retries,
                group, Instant.EPOCH);
    }

    @Test
    void aRetryIsForTheGroupThatFailedItOnly() {
        DeadLetter failed = letter("caracal-ledger-writer", 0);
        ConsumedRecord retried = record(Redelivery.next(failed).headers());
        assertTrue(Redelivery.isFor(retried, "caracal-ledger-writer"));
        assertFalse(Redelivery.isFor(retried, "caracal-audit-logger"));
        assertTrue(Redelivery.isFor(record(Map.of()), "caracal-audit-logger"), "an ordinary record is for every group");
    }

    @Test
    void failingAgainKeepsTheDeadLettersIdentityWithOneMoreRetryAndTheOriginalHeaders() {
        DeadLetter failed = letter("caracal-ledger-writer", 2);
        Map<String, byte[]> headers = new HashMap<>(failed.original().headers());
        headers.putAll(Redelivery.next(failed).headers());
        DeadLetter again = DeadLetter.of(record(headers), "InvalidEvent", "still bad", "caracal-ledger-writer", Instant.EPOCH);
        assertEquals(failed.dlqId(), again.dlqId());
        assertEquals(3, again.retryCount());
        assertEquals(failed.original().headers().keySet(), again.original().headers().keySet(), "the retry's own headers are not kept");
    }

    @Test
    void headersNotWrittenByARetryMakeAnOrdinaryRecord() {
        Map<String, byte[]> forged = Map.of(Redelivery.DLQ_ID_HEADER, "not-a-uuid".getBytes(StandardCharsets.UTF_8),
                Redelivery.GROUP_HEADER, "caracal-ledger-writer".getBytes(StandardCharsets.UTF_8),
                Redelivery.RETRY_COUNT_HEADER, "x".getBytes(StandardCharsets.UTF_8));
        assertTrue(Redelivery.isFor(record(forged), "caracal-audit-logger"), "processed, not a failure of every batch it is in");
        assertEquals(0, DeadLetter.of(record(forged), "InvalidEvent", "bad", "caracal-audit-logger", Instant.EPOCH).retryCount());
    }
}
