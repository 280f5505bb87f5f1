package io.caracal.core.llm;

import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.pricing.PriceEntry;
import io.caracal.core.pricing.Prices;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ModelPricebookTest {
    private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant FEB = Instant.parse("2026-02-01T00:00:00Z");
    private static final Instant MAR = Instant.parse("2026-03-01T00:00:00Z");

    private final List<PriceEntry> entries = new ArrayList<>();
    /** The pricebook's rule: an entry is in force from its effective time until a later entry of the same key. */
    private final Prices prices = (key, at) -> entries.stream().filter(e -> e.resourceKey().equals(key) && !e.effectiveFrom().isAfter(at))
            .max(Comparator.comparing(PriceEntry::effectiveFrom));
    private final ModelPricebook book = new ModelPricebook(prices);

    private void price(String key, String perMillion, String currency, Instant from) {
        entries.add(new PriceEntry(key, new Money(new BigDecimal(perMillion), new CurrencyCode(currency)), from, from));
    }

    private BigDecimal rate(ModelRates rates, TokenClass c) {
        return rates.perMillion().get(c).stripTrailingZeros();
    }

    @Test
    void candidatesDropADateSuffixOrLatest() {
        assertEquals(List.of("gpt-4o-2024-08-06", "gpt-4o"), ModelPricebook.candidates("gpt-4o-2024-08-06"));
        assertEquals(List.of("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"), ModelPricebook.candidates("claude-sonnet-4-5-20250929"));
        assertEquals(List.of("o1-2024-12-17", "o1"), ModelPricebook.candidates("o1-2024-12-17"));
        assertEquals(List.of("claude-3-5-haiku-latest", "claude-3-5-haiku"), ModelPricebook.candidates("claude-3-5-haiku-latest"));
        assertEquals(List.of("gpt-4o"), ModelPricebook.candidates("gpt-4o"));
        assertEquals(List.of("gpt-4o-mini"), ModelPricebook.candidates("gpt-4o-mini"));
        assertEquals(List.of("o3-mini"), ModelPricebook.candidates("o3-mini"));
        assertEquals(List.of("claude-sonnet-4-5"), ModelPricebook.candidates("claude-sonnet-4-5"), "a version number is not a date");
        assertEquals(List.of("gpt-4-0613"), ModelPricebook.candidates("gpt-4-0613"));
        assertEquals(List.of("-latest"), ModelPricebook.candidates("-latest"));
        assertEquals(List.of("2024-08-06"), ModelPricebook.candidates("2024-08-06"));
    }

    @Test
    void missingClassesFallBackToInputOrOutputAndTheFeeToZero() {
        price("llm:gpt-4o:input", "2.50", "USD", JAN);
        price("llm:gpt-4o:cached_input", "1.25", "USD", JAN);
        price("llm:gpt-4o:output", "10.00", "USD", JAN);
        ModelRates rates = book.ratesAt("gpt-4o", FEB).orElseThrow();
        assertEquals(new BigDecimal("2.5"), rate(rates, TokenClass.INPUT));
        assertEquals(new BigDecimal("1.25"), rate(rates, TokenClass.CACHED_INPUT));
        assertEquals(new BigDecimal("2.5"), rate(rates, TokenClass.CACHE_WRITE_5M));
        assertEquals(new BigDecimal("2.5"), rate(rates, TokenClass.CACHE_WRITE_1H));
        assertEquals(new BigDecimal("1E+1"), rate(rates, TokenClass.OUTPUT));
        assertEquals(new BigDecimal("1E+1"), rate(rates, TokenClass.REASONING));
        assertEquals(0, rates.perRequest().signum());
        assertEquals(new CurrencyCode("USD"), rates.currency());
        assertEquals("gpt-4o@2026-01-01T00:00:00Z", rates.priceVersion());
    }

    @Test
    void everyClassAndTheFeeArePricedWhenGiven() {
        String[] classes = {"input", "cached_input", "cache_write_5m", "cache_write_1h", "output", "reasoning", "request"};
        for (int i = 0; i < classes.length; i++) {
            price("llm:m:" + classes[i], Integer.toString(i + 1), "EUR", JAN);
        }
        ModelRates rates = book.ratesAt("m", JAN).orElseThrow();
        for (TokenClass c : TokenClass.values()) {
            assertEquals(BigDecimal.valueOf(c.ordinal() + 1), rate(rates, c), c.key());
        }
        assertEquals(new BigDecimal("7"), rates.perRequest().stripTrailingZeros());
        assertEquals(new CurrencyCode("EUR"), rates.currency());
    }

    @Test
    void inputAndOutputAreRequired() {
        price("llm:half:input", "1", "USD", JAN);
        price("llm:half:reasoning", "1", "USD", JAN);
        assertEquals(Optional.empty(), book.ratesAt("half", FEB));
        price("llm:other:output", "1", "USD", JAN);
        assertEquals(Optional.empty(), book.ratesAt("other", FEB));
        assertEquals(Optional.empty(), book.ratesAt("never-priced", FEB));
    }

    @Test
    void pricesNotYetInForceAreNotUsed() {
        price("llm:gpt-4o:input", "2.50", "USD", FEB);
        price("llm:gpt-4o:output", "10.00", "USD", FEB);
        assertEquals(Optional.empty(), book.ratesAt("gpt-4o", JAN));
        assertEquals(true, book.ratesAt("gpt-4o", FEB).isPresent());
    }

    @Test
    void theVersionIsTheNewestEntryUsed() {
        price("llm:gpt-4o:input", "2.50", "USD", JAN);
        price("llm:gpt-4o:output", "10.00", "USD", JAN);
        price("llm:gpt-4o:output", "8.00", "USD", MAR);
        price("llm:gpt-4o:request", "0.01", "USD", FEB);
        assertEquals("gpt-4o@2026-02-01T00:00:00Z", book.ratesAt("gpt-4o", FEB).orElseThrow().priceVersion());
        ModelRates march = book.ratesAt("gpt-4o", MAR).orElseThrow();
        assertEquals("gpt-4o@2026-03-01T00:00:00Z", march.priceVersion());
        assertEquals(new BigDecimal("8"), rate(march, TokenClass.OUTPUT));
    }

    @Test
    void aSnapshotFallsBackToItsModelUnlessPricedItself() {
        price("llm:gpt-4o:input", "2.50", "USD", JAN);
        price("llm:gpt-4o:output", "10.00", "USD", JAN);
        ModelRates base = book.ratesAt("gpt-4o-2024-08-06", FEB).orElseThrow();
        assertEquals("gpt-4o", base.model(), "the version names the entries used, so the charge can be recomputed");
        price("llm:gpt-4o-2024-05-13:input", "5.00", "USD", JAN);
        price("llm:gpt-4o-2024-05-13:output", "15.00", "USD", JAN);
        ModelRates snapshot = book.ratesAt("gpt-4o-2024-05-13", FEB).orElseThrow();
        assertEquals("gpt-4o-2024-05-13", snapshot.model());
        assertEquals(new BigDecimal("5"), rate(snapshot, TokenClass.INPUT));
        price("llm:gpt-4o-2024-11-20:input", "9.00", "USD", JAN);
        assertEquals("gpt-4o", book.ratesAt("gpt-4o-2024-11-20", FEB).orElseThrow().model(), "a snapshot without output is not priced");
    }

    @Test
    void aModelPricedInTwoCurrenciesIsRefused() {
        price("llm:claude-haiku-4-5:input", "1.00", "USD", JAN);
        price("llm:claude-haiku-4-5:output", "5.00", "USD", JAN);
        price("llm:claude-haiku-4-5:cache_write_1h", "2.00", "EUR", JAN);
        invalid(() -> book.ratesAt("claude-haiku-4-5", FEB), "model claude-haiku-4-5", "EUR, USD");
    }
}
