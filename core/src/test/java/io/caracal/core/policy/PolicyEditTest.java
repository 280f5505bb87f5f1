package io.caracal.core.policy;

import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.Optional;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PolicyEditTest {
    private static final CurrencyCode CHF = new CurrencyCode("CHF");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final PolicyTerms CURRENT =
            new PolicyTerms(Money.parse("limit", "100", CHF), TimeWindow.DAILY, WindowType.CALENDAR, BERLIN);

    private static PolicyEdit limit(String text) {
        return new PolicyEdit(Optional.of(text), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static PolicyEdit window(TimeWindow window) {
        return new PolicyEdit(Optional.empty(), Optional.of(window), Optional.empty(), Optional.empty());
    }

    private static PolicyEdit type(WindowType type) {
        return new PolicyEdit(Optional.empty(), Optional.empty(), Optional.of(type), Optional.empty());
    }

    private static PolicyEdit zone(String text) {
        return new PolicyEdit(Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(text));
    }

    @Test
    void rejectsAnEmptyEdit() {
        invalid(() -> new PolicyEdit(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()).applyTo(CURRENT),
                "nothing to change", "--limit", "--time-window", "--window-type", "--time-zone");
    }

    @Test
    void rejectsAnEditThatChangesNothing() {
        invalid(() -> limit("100.00").applyTo(CURRENT), "nothing to change: the policy already has these terms");
        invalid(() -> window(TimeWindow.DAILY).applyTo(CURRENT), "already has these terms");
        invalid(() -> type(WindowType.CALENDAR).applyTo(CURRENT), "already has these terms");
        invalid(() -> zone(" Europe/Berlin ").applyTo(CURRENT), "already has these terms");
        invalid(() -> new PolicyEdit(Optional.of("100"), Optional.of(TimeWindow.DAILY), Optional.of(WindowType.CALENDAR),
                Optional.of("Europe/Berlin")).applyTo(CURRENT), "already has these terms");
    }

    @Test
    void utcIsTheSameAsNoZone() {
        PolicyTerms utc = new PolicyTerms(CURRENT.limit(), TimeWindow.DAILY, WindowType.CALENDAR, null);
        invalid(() -> zone("UTC").applyTo(utc), "already has these terms");
        assertNull(zone("UTC").applyTo(CURRENT).timeZone());
    }

    @Test
    void reparsesTheLimitInThePolicysCurrency() {
        PolicyTerms next = limit(" 250.5 ").applyTo(CURRENT);
        assertEquals(Money.parse("limit", "250.5", CHF), next.limit());
        assertEquals(CHF, next.limit().currency());
        assertEquals(TimeWindow.DAILY, next.timeWindow());
        assertEquals(WindowType.CALENDAR, next.windowType());
        assertEquals(BERLIN, next.timeZone());
    }

    @Test
    void rejectsAnInvalidLimit() {
        invalid(() -> limit("abc").applyTo(CURRENT), "limit must be a decimal number", "'abc'");
        invalid(() -> limit("-5").applyTo(CURRENT), "limit must not be negative");
        invalid(() -> limit("0").applyTo(CURRENT), "limit must be greater than zero");
        invalid(() -> limit("1e3").applyTo(CURRENT), "limit must be a decimal number");
        invalid(() -> limit("0.0000000001").applyTo(CURRENT), "more than 9 decimal places");
    }

    @Test
    void changingTheWindowKeepsTheRest() {
        PolicyTerms next = window(TimeWindow.MONTHLY).applyTo(CURRENT);
        assertEquals(new PolicyTerms(CURRENT.limit(), TimeWindow.MONTHLY, WindowType.CALENDAR, BERLIN), next);
    }

    @Test
    void switchingToRollingDropsTheZone() {
        PolicyTerms next = type(WindowType.ROLLING).applyTo(CURRENT);
        assertEquals(WindowType.ROLLING, next.windowType());
        assertNull(next.timeZone());
        assertEquals(CURRENT.limit(), next.limit());
        assertEquals(TimeWindow.DAILY, next.timeWindow());
    }

    @Test
    void switchingToRollingWithAZoneIsRejected() {
        invalid(() -> new PolicyEdit(Optional.empty(), Optional.empty(), Optional.of(WindowType.ROLLING),
                Optional.of("Europe/Berlin")).applyTo(CURRENT), "a time zone applies only to calendar windows");
    }

    @Test
    void aZoneOnARollingPolicyIsRejected() {
        PolicyTerms rolling = new PolicyTerms(CURRENT.limit(), TimeWindow.DAILY, WindowType.ROLLING, null);
        invalid(() -> zone("Europe/Berlin").applyTo(rolling), "a time zone applies only to calendar windows");
    }

    @Test
    void switchingBackToCalendarMayTakeAZone() {
        PolicyTerms rolling = new PolicyTerms(CURRENT.limit(), TimeWindow.DAILY, WindowType.ROLLING, null);
        PolicyTerms next = new PolicyEdit(Optional.empty(), Optional.empty(), Optional.of(WindowType.CALENDAR),
                Optional.of("Asia/Tokyo")).applyTo(rolling);
        assertEquals(WindowType.CALENDAR, next.windowType());
        assertEquals(ZoneId.of("Asia/Tokyo"), next.timeZone());
    }

    @Test
    void changesTheZone() {
        assertEquals(ZoneId.of("America/New_York"), zone("America/New_York").applyTo(CURRENT).timeZone());
    }

    @Test
    void rejectsANonIanaZone() {
        invalid(() -> zone("CET").applyTo(CURRENT), "IANA name");
        invalid(() -> zone("Europe/Nowhere").applyTo(CURRENT), "unknown time zone 'Europe/Nowhere'");
    }
}
