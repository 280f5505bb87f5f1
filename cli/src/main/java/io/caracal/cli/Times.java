package io.caracal.cli;

import io.caracal.core.error.InvalidInputException;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times typed on the command line, one grammar for every command: an ISO-8601 instant, a plain date (the start of
 * that day in UTC), {@code now}, or a time relative to now such as {@code -30m}, {@code -1h}, {@code -7d}.
 */
public final class Times {
    /** How the options' help describes a time. */
    public static final String FORMS = "ISO-8601 (2026-01-01T00:00:00Z), a date (2026-01-01 = 00:00 UTC that day), now, or relative"
            + " to now: -30s, -30m, -1h, -7d";

    private static final Pattern RELATIVE = Pattern.compile("-(\\d{1,9})([smhd])");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private Times() {
    }

    /** The instant {@code text} names, relative ones counted back from {@code now}; null when absent. {@code what} names the option in the error. */
    public static Instant parseOptional(String what, String text, Instant now) {
        if (text == null) {
            return null;
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.equals("now")) {
                return now;
            }
            Matcher relative = RELATIVE.matcher(value);
            if (relative.matches()) {
                return now.minus(unit(relative.group(2)).multipliedBy(Long.parseLong(relative.group(1))));
            }
            if (DATE.matcher(value).matches()) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            // An offset other than Z (2026-01-01T01:00:00+01:00) names the same instant.
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeException | ArithmeticException e) {
            throw new InvalidInputException(what + " must be " + FORMS + "; got '" + text + "'");
        }
    }

    private static Duration unit(String unit) {
        return switch (unit) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            case "h" -> Duration.ofHours(1);
            default -> Duration.ofDays(1);
        };
    }

    /** Refuses a range whose end is not after its start; either end may be absent (open). */
    public static void requireOrdered(Instant start, Instant end) {
        if (start != null && end != null && !end.isAfter(start)) {
            throw new InvalidInputException("end-time must be after start-time");
        }
    }
}
