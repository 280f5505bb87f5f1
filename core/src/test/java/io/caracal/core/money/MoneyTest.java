package io.caracal.core.money;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;

import static io.caracal.core.error.Rejections.invalid;
import static io.caracal.core.error.Rejections.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MoneyTest {
    private static final CurrencyCode USD = new CurrencyCode("USD");
    private static final CurrencyCode CHF = new CurrencyCode("CHF");

    private static Money usd(String amount) {
        return Money.parse("amount", amount, USD);
    }

    @ParameterizedTest
    @CsvSource({
            "100, 100.000000000",
            "0.30, 0.300000000",
            "0.123456789, 0.123456789",
            "1.50000000000, 1.500000000",
            "+5, 5.000000000",
            ".5, 0.500000000",
            "5., 5.000000000",
            "'  12.5  ', 12.500000000",
            "0, 0E-9",
    })
    void parseKeepsTheExactValueAtScaleNine(String text, String expected) {
        Money money = usd(text);
        // BigDecimal.equals compares the scale too, so this pins the fixed scale of 9.
        assertEquals(new BigDecimal(expected), money.amount());
        assertEquals(Money.SCALE, money.amount().scale());
        assertEquals(USD, money.currency());
    }

    @Test
    void constructorNormalisesToScaleNine() {
        Money money = new Money(new BigDecimal("7.5"), USD);
        assertEquals(new BigDecimal("7.500000000"), money.amount());
        assertEquals(new BigDecimal("1000.000000000"), new Money(new BigDecimal("1E+3"), USD).amount());
    }

    @Test
    void equalAmountsWrittenDifferentlyAreEqual() {
        assertEquals(usd("1"), usd("1.000"));
        assertEquals(usd("1"), new Money(BigDecimal.ONE, USD));
        assertNotEquals(usd("1"), Money.parse("amount", "1", CHF));
    }

    @Test
    void rejectsMoreThanNineDecimals() {
        invalid(() -> usd("0.0000000001"), "amount", "0.0000000001", "more than 9 decimal places");
        invalid(() -> new Money(new BigDecimal("1.0000000001"), USD), "more than 9 decimal places");
    }

    @Test
    void rejectsNegativeAmounts() {
        invalid(() -> Money.parse("limit", "-1", USD), "limit must not be negative", "-1");
        invalid(() -> usd("-0.01"), "must not be negative");
        invalid(() -> new Money(new BigDecimal("-0.5"), USD), "amount must not be negative");
    }

    @Test
    void acceptsTwentyNineIntegerDigitsButNotThirty() {
        String max = "9".repeat(29) + ".999999999";
        assertEquals(new BigDecimal(max), usd(max).amount());
        invalid(() -> usd("1" + "0".repeat(29)), "is too large", "29 integer digits");
        invalid(() -> new Money(new BigDecimal("1E+29"), USD), "is too large");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e3", "1E3", "1E+3", "2.5e-1", "NaN", "Infinity", "abc", "1,000", "1 000", "0x10", "--1", "1.2.3", "."})
    void rejectsAnythingButPlainDecimals(String text) {
        invalid(() -> Money.parse("limit", text, USD), "limit must be a decimal number", "'" + text + "'");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "\t"})
    void rejectsMissingAmount(String text) {
        invalid(() -> Money.parse("unit_price", text, USD), "unit_price is required");
    }

    @Test
    void requiresAmountAndCurrency() {
        invalid(() -> new Money(null, USD), "amount and currency are required");
        invalid(() -> new Money(BigDecimal.ONE, null), "amount and currency are required");
    }

    @ParameterizedTest
    @CsvSource({
            "100, 100.00",
            "0.000001, 0.000001",
            "0, 0.00",
            "1.5, 1.50",
            "1234567.891, 1234567.891",
            "0.123456789, 0.123456789",
            "1000000, 1000000.00",
    })
    void amountTextShowsAtLeastCentsWithoutPadding(String text, String expected) {
        assertEquals(expected, usd(text).amountText());
    }

    @Test
    void displayUsesASymbolOnlyWhereThereIsADistinctOne() {
        assertEquals("$100.00 USD", usd("100").display());
        assertEquals("100.00 CHF", Money.parse("amount", "100", CHF).display());
        assertEquals("$0.000001 USD", usd("0.000001").display());
    }

    @Test
    void toStringIsAmountAndCode() {
        assertEquals("100.00 USD", usd("100").toString());
        assertEquals("0.30 CHF", Money.parse("amount", "0.3", CHF).toString());
    }

    @Test
    void isZero() {
        assertTrue(usd("0").isZero());
        assertTrue(usd("0.000").isZero());
        assertFalse(usd("0.000000001").isZero());
    }

    @Test
    void isGreaterThanComparesAmountsInOneCurrency() {
        assertTrue(usd("100.01").isGreaterThan(usd("100")));
        assertFalse(usd("100").isGreaterThan(usd("100.000")));
        assertFalse(usd("99.999999999").isGreaterThan(usd("100")));
    }

    @Test
    void isGreaterThanRejectsMixedCurrencies() {
        rejected(IllegalArgumentException.class,
                () -> usd("100").isGreaterThan(Money.parse("amount", "1", CHF)), "USD", "CHF");
    }
}
