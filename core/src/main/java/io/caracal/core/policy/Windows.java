package io.caracal.core.policy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/**
 * The budget window that applies at an instant.
 * <ul>
 * <li>Calendar windows are the whole period containing the instant, in the policy's zone (UTC by default):
 * the clock hour, the day from midnight, the ISO week from Monday, the month from the 1st. A day is 23 or
 * 25 hours long across a DST change; where midnight itself does not exist, the day starts at the first
 * instant that does.</li>
 * <li>Rolling windows trail the instant: the last hour, 24 hours, 7 days or 30 days ("monthly" rolling is
 * 30 days), including both the instant and the moment exactly one duration earlier.</li>
 * </ul>
 */
public final class Windows {
    private Windows() {
    }

    public static Duration rollingLength(TimeWindow window) {
        return switch (window) {
            case HOURLY -> Duration.ofHours(1);
            case DAILY -> Duration.ofDays(1);
            case WEEKLY -> Duration.ofDays(7);
            case MONTHLY -> Duration.ofDays(30);
        };
    }

    public static Window at(TimeWindow window, WindowType type, ZoneId zone, Instant at) {
        if (type == WindowType.ROLLING) {
            // End is exclusive, so one nanosecond past the instant keeps the instant itself inside.
            return new Window(at.minus(rollingLength(window)), at.plusNanos(1));
        }
        ZonedDateTime local = at.atZone(zone == null ? ZoneOffset.UTC : zone);
        return switch (window) {
            case HOURLY -> {
                // truncatedTo keeps the offset in an overlap, so the repeated 01:00 hour of a DST fall-back is its own window.
                ZonedDateTime start = local.truncatedTo(ChronoUnit.HOURS);
                yield new Window(start.toInstant(), start.plusHours(1).toInstant());
            }
            case DAILY -> days(local.toLocalDate(), local.toLocalDate().plusDays(1), local.getZone());
            case WEEKLY -> {
                LocalDate monday = local.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                yield days(monday, monday.plusWeeks(1), local.getZone());
            }
            case MONTHLY -> {
                LocalDate first = local.toLocalDate().withDayOfMonth(1);
                yield days(first, first.plusMonths(1), local.getZone());
            }
        };
    }

    public static Window of(BudgetPolicy policy, Instant at) {
        return at(policy.timeWindow(), policy.windowType(), policy.timeZone(), at);
    }

    private static Window days(LocalDate from, LocalDate to, ZoneId zone) {
        return new Window(from.atStartOfDay(zone).toInstant(), to.atStartOfDay(zone).toInstant());
    }
}
