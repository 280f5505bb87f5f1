package io.caracal.core.pricing;

import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PriceDraftTest {
    private static final Money PRICE = Money.parse("unit_price", "0.000005", new CurrencyCode("USD"));

    @ParameterizedTest
    @ValueSource(strings = {"openai.gpt-4o.input_tokens", "anthropic:claude@2024/out+cache", "A_1", "x"})
    void acceptsKeysOfLettersDigitsAndPunctuation(String key) {
        assertEquals(key, PriceDraft.resourceKey(key));
    }

    @Test
    void trimsTheKey() {
        assertEquals("openai.gpt-4o", PriceDraft.resourceKey("  openai.gpt-4o\t"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   "})
    void rejectsAnEmptyKey(String key) {
        invalid(() -> PriceDraft.resourceKey(key), "resource key must not be empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"open ai", "a,b", "a;b", "\"quoted\"", "a=b", "a\tb", "a*b", "path\\x"})
    void rejectsKeysWithOtherCharacters(String key) {
        invalid(() -> PriceDraft.resourceKey(key), "resource key '" + key + "' may hold only letters, digits and . _ : / @ + -");
    }

    @Test
    void limitsKeysTo255Characters() {
        assertEquals(255, PriceDraft.resourceKey("k".repeat(255)).length());
        assertEquals(255, PriceDraft.resourceKey(" " + "k".repeat(255) + " ").length());
        invalid(() -> PriceDraft.resourceKey("k".repeat(256)), "resource key is longer than 255 characters");
    }

    @Test
    void draftAppliesTheKeyRulesAndNeedsAPrice() {
        PriceDraft draft = new PriceDraft(" openai.gpt-4o ", PRICE, null);
        assertEquals("openai.gpt-4o", draft.resourceKey());
        assertEquals(PRICE, draft.unitPrice());
        assertNull(draft.effectiveFrom());
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        assertEquals(from, new PriceDraft("k", PRICE, from).effectiveFrom());
        invalid(() -> new PriceDraft("bad key", PRICE, null), "resource key 'bad key'");
        invalid(() -> new PriceDraft("k", null, null), "price is required");
    }
}
