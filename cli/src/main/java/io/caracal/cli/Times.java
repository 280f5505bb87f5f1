package io.caracal.cli;

import io.caracal.core.error.InvalidInputException;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Times typed on the command line: ISO-8601 instants in UTC, with one clear message when malformed. */
public final class Times {
    private Times() {
    }

    /** The instant {@code text} names, or null when it is absent; {@code what} names the option in the error. */
    public static Instant parseOptional(String what, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(what + " must be an ISO-8601 UTC time such as 2026-01-01T00:00:00Z, got '" + text + "'");
        }
    }

    /** Refuses a range whose end is not after its start; either end may be absent (open). */
    public static void requireOrdered(Instant start, Instant end) {
        if (start != null && end != null && !end.isAfter(start)) {
            throw new InvalidInputException("end-time must be after start-time");
        }
    }
}
