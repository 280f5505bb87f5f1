package io.caracal.core.policy;

import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PolicyTermsTest {
    private static final CurrencyCode USD = new CurrencyCode("USD");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private static Money usd(String amount) {
        return Money.parse("limit", amount, USD);
    }

    @Test
    void keepsValidCalendarTerms() {
        PolicyTerms terms = new PolicyTerms(usd("100"), TimeWindow.DAILY, WindowType.CALENDAR, BERLIN);
        assertEquals(usd("100"), terms.limit());
        assertEquals(TimeWindow.DAILY, terms.timeWindow());
        assertEquals(WindowType.CALENDAR, terms.windowType());
        assertEquals(BERLIN, terms.timeZone());
    }

    @Test
    void rollingTermsWithoutZoneAreValid() {
        assertNull(new PolicyTerms(usd("1"), TimeWindow.HOURLY, WindowType.ROLLING, null).timeZone());
    }

    @Test
    void rejectsAZeroOrMissingLimit() {
        invalid(() -> new PolicyTerms(usd("0"), TimeWindow.DAILY, WindowType.CALENDAR, null), "limit must be greater than zero");
        invalid(() -> new PolicyTerms(usd("0.000"), TimeWindow.DAILY, WindowType.CALENDAR, null), "limit must be greater than zero");
        invalid(() -> new PolicyTerms(null, TimeWindow.DAILY, WindowType.CALENDAR, null), "limit must be greater than zero");
    }

    @Test
    void acceptsTheSmallestPositiveLimit() {
        assertEquals(new BigDecimal("0.000000001"),
                new PolicyTerms(usd("0.000000001"), TimeWindow.DAILY, WindowType.CALENDAR, null).limit().amount());
    }

    @Test
    void requiresWindowAndType() {
        invalid(() -> new PolicyTerms(usd("1"), null, WindowType.CALENDAR, null), "time window and window type are required");
        invalid(() -> new PolicyTerms(usd("1"), TimeWindow.DAILY, null, null), "time window and window type are required");
    }

    @Test
    void aZoneAppliesOnlyToCalendarWindows() {
        invalid(() -> new PolicyTerms(usd("1"), TimeWindow.DAILY, WindowType.ROLLING, BERLIN),
                "a time zone applies only to calendar windows");
    }

    @Test
    void utcWrittenOutIsNormalisedToNoZone() {
        PolicyTerms plain = new PolicyTerms(usd("1"), TimeWindow.MONTHLY, WindowType.CALENDAR, null);
        for (ZoneId utc : new ZoneId[]{ZoneId.of("UTC"), ZoneOffset.UTC, ZoneId.of("Etc/UTC"), PolicyTerms.parseZone("UTC")}) {
            PolicyTerms terms = new PolicyTerms(usd("1"), TimeWindow.MONTHLY, WindowType.CALENDAR, utc);
            assertNull(terms.timeZone(), utc.getId());
            assertEquals(plain, terms);
        }
    }

    @Test
    void parseZoneAcceptsIanaNames() {
        assertEquals(BERLIN, PolicyTerms.parseZone("Europe/Berlin"));
        assertEquals(ZoneId.of("America/New_York"), PolicyTerms.parseZone("  America/New_York "));
        assertEquals(ZoneId.of("America/Argentina/Buenos_Aires"), PolicyTerms.parseZone("America/Argentina/Buenos_Aires"));
        assertEquals(ZoneId.of("UTC"), PolicyTerms.parseZone("UTC"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   "})
    void parseZoneOfNothingIsNoZone(String text) {
        assertNull(PolicyTerms.parseZone(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+02:00", "-05:00", "Z", "CET", "EST", "GMT", "GMT+2", "UTC+01:00", "berlin", "utc"})
    void parseZoneRejectsOffsetsAndAbbreviations(String text) {
        invalid(() -> PolicyTerms.parseZone(text), "time zone must be an IANA name such as Europe/Berlin", "'" + text + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Europe/Nowhere", "Mars/Olympus_Mons", "europe/berlin_x", "Europe/"})
    void parseZoneRejectsUnknownNames(String text) {
        invalid(() -> PolicyTerms.parseZone(text), "unknown time zone '" + text + "'");
    }
}
