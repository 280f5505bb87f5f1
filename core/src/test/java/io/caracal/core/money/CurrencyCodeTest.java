package io.caracal.core.money;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CurrencyCodeTest {

    @ParameterizedTest
    @CsvSource({"usd, USD", "USD, USD", "Eur, EUR", "' chf ', CHF", "jpy, JPY"})
    void parseAcceptsAnyCaseAndStoresUpperCase(String text, String code) {
        assertEquals(code, CurrencyCode.parse(text).code());
        assertEquals(new CurrencyCode(code), CurrencyCode.parse(text));
    }

    @Test
    void rejectsCodesTheIsoTableDoesNotKnow() {
        invalid(() -> CurrencyCode.parse("XYZ"), "unknown currency 'XYZ'", "ISO 4217");
        invalid(() -> new CurrencyCode("ABC"), "unknown currency 'ABC'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"US", "USDX", "U5D", "U D", "$"})
    void rejectsTextNotShapedLikeACode(String text) {
        invalid(() -> CurrencyCode.parse(text), "currency must be an ISO 4217 code such as USD", "'" + text.toUpperCase() + "'");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   "})
    void parseRequiresACurrency(String text) {
        invalid(() -> CurrencyCode.parse(text), "currency is required");
    }

    @Test
    void constructorTakesOnlyTheCanonicalUpperCaseForm() {
        invalid(() -> new CurrencyCode("usd"), "ISO 4217", "'usd'");
        invalid(() -> new CurrencyCode(null), "ISO 4217", "'null'");
    }

    @Test
    void toStringIsTheCode() {
        assertEquals("EUR", CurrencyCode.parse("eur").toString());
    }

    @Test
    void symbolIsNullWhereTheCodeIsAllThereIs() {
        assertEquals("$", new CurrencyCode("USD").symbol());
        assertNull(new CurrencyCode("CHF").symbol());
    }
}
