package io.caracal.cli;

import io.caracal.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimesTest {
    private static final Instant NOW = Instant.parse("2026-03-10T12:34:56Z");

    @Test
    void everyFormTheRunbookWrites() {
        assertEquals(Instant.parse("2024-01-31T23:59:59Z"), Times.parseOptional("end-time", "2024-01-31T23:59:59Z", NOW));
        assertEquals(Instant.parse("2024-01-31T22:59:59Z"), Times.parseOptional("end-time", "2024-01-31T23:59:59+01:00", NOW));
        assertEquals(Instant.parse("2026-02-01T00:00:00Z"), Times.parseOptional("start", "2026-02-01", NOW));
        assertEquals(NOW, Times.parseOptional("end-time", "now", NOW));
        assertEquals(NOW, Times.parseOptional("end-time", " NOW ", NOW));
        assertEquals(NOW.minusSeconds(3600), Times.parseOptional("start-time", "-1h", NOW));
        assertEquals(NOW.minusSeconds(30 * 60), Times.parseOptional("start-time", "-30m", NOW));
        assertEquals(NOW.minusSeconds(7 * 86400), Times.parseOptional("start-time", "-7d", NOW));
        assertEquals(NOW.minusSeconds(45), Times.parseOptional("start-time", "-45s", NOW));
        assertNull(Times.parseOptional("start-time", null, NOW));
    }

    @Test
    void anythingElseIsRefusedNamingTheOption() {
        for (String bad : new String[] {"yesterday", "-1y", "1h", "2024-13-01", "2024-01-01 10:00", "-h", ""}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Times.parseOptional("start-time", bad, NOW), bad);
            assertTrue(e.getMessage().startsWith("start-time must be ISO-8601") && e.getMessage().endsWith("got '" + bad + "'"), e.getMessage());
        }
    }
}
