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
}
