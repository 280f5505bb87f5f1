package io.caracal.core.policy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.IsoFields;

import static io.caracal.core.policy.TimeWindow.DAILY;
import static io.caracal.core.policy.TimeWindow.HOURLY;
import static io.caracal.core.policy.TimeWindow.MONTHLY;
import static io.caracal.core.policy.TimeWindow.WEEKLY;
import static io.caracal.core.policy.WindowType.CALENDAR;
import static io.caracal.core.policy.WindowType.ROLLING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowsTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static Instant t(String iso) {
        return Instant.parse(iso);
    }

    private static Window calendar(TimeWindow w, ZoneId zone, String at) {
        return Windows.at(w, CALENDAR, zone, t(at));
    }

    @Test
    void utcCalendarWindowsMatchTheReferenceExamples() {
        // Mon 2024-01-15 14:30:45 UTC, the reference's worked example.
        assertEquals(new Window(t("2024-01-15T14:00:00Z"), t("2024-01-15T15:00:00Z")), calendar(HOURLY, null, "2024-01-15T14:30:45Z"));
        assertEquals(new Window(t("2024-01-15T00:00:00Z"), t("2024-01-16T00:00:00Z")), calendar(DAILY, null, "2024-01-15T14:30:45Z"));
        assertEquals(new Window(t("2024-01-15T00:00:00Z"), t("2024-01-22T00:00:00Z")), calendar(WEEKLY, null, "2024-01-17T14:30:45Z"));
        assertEquals(new Window(t("2024-01-01T00:00:00Z"), t("2024-02-01T00:00:00Z")), calendar(MONTHLY, null, "2024-01-15T14:30:45Z"));
    }

    @Test
    void anEventExactlyOnABoundBelongsToTheWindowItStarts() {
        Window day = calendar(DAILY, null, "2024-01-15T00:00:00Z");
        assertEquals(t("2024-01-15T00:00:00Z"), day.start());
        assertTrue(day.contains(t("2024-01-15T00:00:00Z")));
        assertFalse(day.contains(t("2024-01-16T00:00:00Z")), "midnight counts in one day only");
        assertTrue(day.contains(t("2024-01-15T23:59:59.999999999Z")));
        assertEquals(day.end(), calendar(DAILY, null, "2024-01-16T00:00:00Z").start());
        Window hour = calendar(HOURLY, BERLIN, "2024-01-15T13:00:00Z"); // 14:00 in Berlin
        assertEquals(t("2024-01-15T13:00:00Z"), hour.start());
    }

    @Test
    void rollingWindowsTrailTheInstantAndIncludeBothEnds() {
        Instant now = t("2024-03-01T10:00:00Z");
        Window hour = Windows.at(HOURLY, ROLLING, null, now);
        assertTrue(hour.contains(now));
        assertTrue(hour.contains(t("2024-03-01T09:00:00Z")), "exactly one hour ago is inside");
        assertFalse(hour.contains(t("2024-03-01T08:59:59.999999999Z")));
        assertFalse(hour.contains(now.plusNanos(1)));
        assertEquals(t("2024-01-31T10:00:00Z"), Windows.at(MONTHLY, ROLLING, null, now).start(), "monthly rolling is 30 days");
        assertEquals(t("2024-02-23T10:00:00Z"), Windows.at(WEEKLY, ROLLING, null, now).start());
        assertEquals(t("2024-02-29T10:00:00Z"), Windows.at(DAILY, ROLLING, null, now).start(), "across the leap day");
    }

    @Test
    void springForwardDayIs23HoursAndFallBackDayIs25InBerlin() {
        Window spring = calendar(DAILY, BERLIN, "2024-03-31T12:00:00Z");
        assertEquals(t("2024-03-30T23:00:00Z"), spring.start()); // 00:00 CET
        assertEquals(t("2024-03-31T22:00:00Z"), spring.end());   // 00:00 CEST
        assertEquals(Duration.ofHours(23), Duration.between(spring.start(), spring.end()));
        Window fall = calendar(DAILY, BERLIN, "2024-10-27T12:00:00Z");
        assertEquals(Duration.ofHours(25), Duration.between(fall.start(), fall.end()));
        assertEquals(t("2024-10-26T22:00:00Z"), fall.start());
    }

    @Test
    void dstHoursAreWholeClockHoursAndTheRepeatedHourIsItsOwnWindow() {
        // 2024-10-27 in Berlin: 02:00-03:00 happens twice (CEST then CET).
        Window firstTwoOClock = calendar(HOURLY, BERLIN, "2024-10-27T00:30:00Z");  // 02:30 CEST
        Window secondTwoOClock = calendar(HOURLY, BERLIN, "2024-10-27T01:30:00Z"); // 02:30 CET
        assertEquals(new Window(t("2024-10-27T00:00:00Z"), t("2024-10-27T01:00:00Z")), firstTwoOClock);
        assertEquals(new Window(t("2024-10-27T01:00:00Z"), t("2024-10-27T02:00:00Z")), secondTwoOClock);
        // Spring forward: 02:00-03:00 does not exist; 01:59:59 CET is followed by 03:00 CEST.
        assertEquals(new Window(t("2024-03-31T01:00:00Z"), t("2024-03-31T02:00:00Z")), calendar(HOURLY, BERLIN, "2024-03-31T01:10:00Z"));
    }

    @Test
    void weekAndMonthContainingADstChangeKeepTheirLocalBoundaries() {
        Window week = calendar(WEEKLY, NEW_YORK, "2024-03-12T12:00:00Z"); // DST began Sun 2024-03-10
        assertEquals(t("2024-03-11T04:00:00Z"), week.start()); // Monday 00:00 EDT
        Window weekWithChange = calendar(WEEKLY, NEW_YORK, "2024-03-09T12:00:00Z");
        assertEquals(t("2024-03-04T05:00:00Z"), weekWithChange.start()); // Monday 00:00 EST
        assertEquals(t("2024-03-11T04:00:00Z"), weekWithChange.end());   // next Monday 00:00 EDT
        assertEquals(Duration.ofDays(7).minusHours(1), Duration.between(weekWithChange.start(), weekWithChange.end()));
        Window march = calendar(MONTHLY, NEW_YORK, "2024-03-31T23:00:00Z"); // still March 31 19:00 in New York
        assertEquals(t("2024-03-01T05:00:00Z"), march.start());
        assertEquals(t("2024-04-01T04:00:00Z"), march.end());
    }

    @Test
    void monthEndsAndTheLeapDay() {
        assertEquals(new Window(t("2024-02-01T00:00:00Z"), t("2024-03-01T00:00:00Z")), calendar(MONTHLY, null, "2024-02-29T23:59:59Z"));
        assertEquals(new Window(t("2023-02-01T00:00:00Z"), t("2023-03-01T00:00:00Z")), calendar(MONTHLY, null, "2023-02-28T12:00:00Z"));
        assertEquals(new Window(t("2024-02-29T00:00:00Z"), t("2024-03-01T00:00:00Z")), calendar(DAILY, null, "2024-02-29T06:00:00Z"));
        assertEquals(new Window(t("2024-12-01T00:00:00Z"), t("2025-01-01T00:00:00Z")), calendar(MONTHLY, null, "2024-12-31T23:59:59Z"));
        assertEquals(new Window(t("2024-01-01T00:00:00Z"), t("2024-02-01T00:00:00Z")), calendar(MONTHLY, null, "2024-01-31T00:00:00Z"));
        // In Berlin, 2024-01-31T23:30Z is already February 1st.
        assertEquals(t("2024-01-31T23:00:00Z"), calendar(MONTHLY, BERLIN, "2024-01-31T23:30:00Z").start());
    }

    @Test
    void isoWeek53RunsAcrossTheNewYear() {
        // 2020 has 53 ISO weeks: week 53 is Mon 2020-12-28 .. Sun 2021-01-03.
        Window week = calendar(WEEKLY, null, "2021-01-03T23:59:59Z");
        assertEquals(new Window(t("2020-12-28T00:00:00Z"), t("2021-01-04T00:00:00Z")), week);
        assertEquals(53, week.start().atZone(java.time.ZoneOffset.UTC).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        assertEquals(week, calendar(WEEKLY, null, "2020-12-31T12:00:00Z"));
        assertEquals(t("2021-01-04T00:00:00Z"), calendar(WEEKLY, null, "2021-01-04T00:00:00Z").start(), "Monday midnight starts week 1");
    }

    @Test
    void aZoneWhoseMidnightDoesNotExistStartsTheDayAtTheFirstInstantThatDoes() {
        // America/Santiago skipped 2022-09-11 00:00-01:00 local (clocks went from 00:00 to 01:00).
        Window day = calendar(DAILY, ZoneId.of("America/Santiago"), "2022-09-11T12:00:00Z");
        assertEquals(t("2022-09-11T04:00:00Z"), day.start()); // 01:00 -03
        assertEquals(Duration.ofHours(23), Duration.between(day.start(), day.end()));
    }
}
