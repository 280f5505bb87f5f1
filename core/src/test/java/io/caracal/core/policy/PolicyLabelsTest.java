package io.caracal.core.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** TimeWindow, WindowType and ChangeType as they are typed, stored and printed. */
class PolicyLabelsTest {

    @ParameterizedTest
    @CsvSource({"hourly, HOURLY", "DAILY, DAILY", "' Weekly ', WEEKLY", "mOnThLy, MONTHLY"})
    void timeWindowParseIgnoresCaseAndSpace(String text, TimeWindow expected) {
        assertEquals(expected, TimeWindow.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"calendar, CALENDAR", "ROLLING, ROLLING", "' Rolling ', ROLLING"})
    void windowTypeParseIgnoresCaseAndSpace(String text, WindowType expected) {
        assertEquals(expected, WindowType.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"created, CREATED", "Modified, MODIFIED", "DEACTIVATED, DEACTIVATED"})
    void changeTypeParseIgnoresCaseAndSpace(String text, ChangeType expected) {
        assertEquals(expected, ChangeType.parse(text));
    }

    @ParameterizedTest
    @EnumSource(TimeWindow.class)
    void timeWindowLabelIsLowerCaseAndParsesBack(TimeWindow value) {
        assertEquals(value.name().toLowerCase(), value.label());
        assertEquals(value, TimeWindow.parse(value.label()));
    }

    @ParameterizedTest
    @EnumSource(WindowType.class)
    void windowTypeLabelIsLowerCaseAndParsesBack(WindowType value) {
        assertEquals(value.name().toLowerCase(), value.label());
        assertEquals(value, WindowType.parse(value.label()));
    }

    @ParameterizedTest
    @EnumSource(ChangeType.class)
    void changeTypeLabelIsLowerCaseAndParsesBack(ChangeType value) {
        assertEquals(value.name().toLowerCase(), value.label());
        assertEquals(value, ChangeType.parse(value.label()));
    }

    @Test
    void unknownValuesNameTheAllowedOnes() {
        invalid(() -> TimeWindow.parse("yearly"), "unknown time window 'yearly'", "(one of hourly, daily, weekly, monthly)");
        invalid(() -> TimeWindow.parse("day"), "unknown time window 'day'");
        invalid(() -> WindowType.parse("sliding"), "unknown window type 'sliding'", "(one of calendar, rolling)");
        invalid(() -> ChangeType.parse("deleted"), "unknown change type 'deleted'", "(one of created, modified, deactivated)");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void missingValuesAreRequiredAndNameTheAllowedOnes(String text) {
        invalid(() -> TimeWindow.parse(text), "time window is required", "(one of hourly, daily, weekly, monthly)");
        invalid(() -> WindowType.parse(text), "window type is required", "(one of calendar, rolling)");
        invalid(() -> ChangeType.parse(text), "change type is required", "(one of created, modified, deactivated)");
    }
}
