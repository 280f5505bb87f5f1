package io.caracal.core.llm;

import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelRatesTest {
    private static final CurrencyCode USD = new CurrencyCode("USD");
    private static final Instant VERSION = Instant.parse("2026-03-01T00:00:00Z");

    /** Per million: input, cached_input, cache_write_5m, cache_write_1h, output, reasoning. */
    static ModelRates rates(String perRequest, String... perMillion) {
        Map<TokenClass, BigDecimal> prices = new EnumMap<>(TokenClass.class);
        for (TokenClass c : TokenClass.values()) {
            prices.put(c, new BigDecimal(perMillion[c.ordinal()]));
        }
        return new ModelRates("model-x", USD, prices, new BigDecimal(perRequest), VERSION);
    }

    private static final ModelRates GPT_4O = rates("0", "2.50", "1.25", "2.50", "2.50", "10.00", "10.00");
    private static final ModelRates SONNET = rates("0.001", "3.00", "0.30", "3.75", "6.00", "15.00", "15.00");

    private static Money usd(String amount) {
        return new Money(new BigDecimal(amount), USD);
    }

    @Test
    void costSumsEveryClassAtItsPriceExactly() {
        // 93 * 2.50 + 1024 * 1.25 + 34 * 10 + 512 * 10 = 6972.5 per million
        assertEquals(usd("0.006972500"), GPT_4O.cost(new TokenUsage(93, 1024, 0, 0, 34, 512)));
        // 21 * 3 + 12044 * 0.30 + 1500 * 3.75 + 376 * 6 + 393 * 15 = 17452.2 per million, plus the call fee of 0.001
        assertEquals(usd("0.018452200"), SONNET.cost(new TokenUsage(21, 12044, 1500, 376, 393, 0)));
        assertEquals(usd("0.001"), SONNET.cost(TokenUsage.NONE), "a call that used no tokens still pays its fee");
        assertEquals(usd("0"), GPT_4O.cost(TokenUsage.NONE));
    }

    @Test
    void costRoundsUpOnceToNineDecimals() {
        ModelRates odd = rates("0", "2.500000001", "0", "0", "0", "0.0000005", "0.0000005");
        assertEquals(usd("0.000002501"), odd.cost(new TokenUsage(1, 0, 0, 0, 0, 0)), "2.500000001e-6 rounds up, never down");
        // 5e-13 + 5e-13 = 1e-12: rounded once it is one nano-unit; rounding each class would make it two.
        assertEquals(usd("0.000000001"), odd.cost(new TokenUsage(0, 0, 0, 0, 1, 1)));
        assertEquals(9, odd.cost(new TokenUsage(3, 0, 0, 0, 7, 0)).amount().scale());
    }

    @Test
    void boundPricesEachSideAtItsDearestClass() {
        // 1000 * 6.00 (the 1-hour cache write) + 500 * 15.00 = 13500 per million, plus 0.001
        assertEquals(usd("0.014500000"), SONNET.bound(1000, 500));
        ModelRates reasoningDearer = rates("0", "1.10", "0.55", "1.10", "1.10", "4.40", "8.80");
        assertEquals(usd("0.000880000"), reasoningDearer.bound(0, 100));
        assertEquals(usd("0.000001100"), reasoningDearer.bound(1, 0));
        ModelRates odd = rates("0", "0.0000003", "0", "0", "0", "0.0000003", "0");
        assertEquals(usd("0.000000001"), odd.bound(1, 1), "6e-13 rounds up to one nano-unit");
    }

    @Test
    void theBoundIsNeverBelowTheCostOfAnySplitOfTheSameTokens() {
        TokenUsage[] splits = {
                new TokenUsage(1000, 0, 0, 0, 500, 0), new TokenUsage(0, 1000, 0, 0, 0, 500),
                new TokenUsage(0, 0, 1000, 0, 250, 250), new TokenUsage(0, 0, 0, 1000, 0, 500),
                new TokenUsage(250, 250, 250, 250, 100, 400)};
        for (TokenUsage split : splits) {
            assertTrue(!SONNET.cost(split).isGreaterThan(SONNET.bound(1000, 500)), split::toString);
        }
    }

    @Test
    void affordableOutputTokensIsTheLargestCountWithinTheAmount() {
        assertEquals(500, SONNET.affordableOutputTokens(new BigDecimal("0.0145"), 1000));
        assertEquals(499, SONNET.affordableOutputTokens(new BigDecimal("0.014499999"), 1000));
        assertEquals(500, SONNET.affordableOutputTokens(new BigDecimal("0.0145000009"), 1000), "digits beyond the ninth buy nothing");
        assertEquals(0, SONNET.affordableOutputTokens(new BigDecimal("0.007"), 1000), "exactly the input side and the fee");
        assertEquals(-1, SONNET.affordableOutputTokens(new BigDecimal("0.006999999"), 1000), "not even the input side");
        assertEquals(-1, SONNET.affordableOutputTokens(new BigDecimal("-1"), 0));
        assertEquals(-1, SONNET.affordableOutputTokens(BigDecimal.ZERO, 0), "the call fee alone is more than nothing");
        assertEquals(0, GPT_4O.affordableOutputTokens(BigDecimal.ZERO, 0));
    }

    @Test
    void affordableOutputTokensCountsTheRoundingUpOfTheBound() {
        // An output token costs 3e-10: bound(0, n) is ceil(n * 3e-10) to nano-units, so three tokens still cost 1e-9.
        ModelRates tiny = rates("0", "0", "0", "0", "0", "0.0003", "0");
        assertEquals(3, tiny.affordableOutputTokens(new BigDecimal("0.000000001"), 0));
        assertEquals(usd("0.000000001"), tiny.bound(0, 3));
        assertEquals(usd("0.000000002"), tiny.bound(0, 4));
    }

    @Test
    void affordableOutputTokensAgreesWithBoundEverywhere() {
        List<ModelRates> books = List.of(GPT_4O, SONNET, rates("0.000000007", "0.15", "0.075", "0.15", "0.15", "0.60", "0.60"),
                rates("0", "0", "0", "0", "0", "0.0003", "0"), rates("0.5", "2.500000001", "1", "1", "1", "3.333333333", "1"));
        for (ModelRates book : books) {
            for (long input : new long[] {0, 1, 7, 1000, 123_457}) {
                for (String amount : new String[] {"0", "0.000000001", "0.000000999", "0.0000105", "0.01", "0.5000001", "3", "12345.678901234"}) {
                    BigDecimal money = new BigDecimal(amount);
                    long n = book.affordableOutputTokens(money, input);
                    String where = book + " input " + input + " amount " + amount + " -> " + n;
                    if (n < 0) {
                        assertTrue(book.bound(input, 0).amount().compareTo(money) > 0, where);
                    } else {
                        assertTrue(book.bound(input, n).amount().compareTo(money) <= 0, where);
                        assertTrue(book.bound(input, n + 1).amount().compareTo(money) > 0, where);
                    }
                }
            }
        }
    }

    @Test
    void freeOutputAffordsAnyLength() {
        ModelRates freeOutput = rates("0", "1", "1", "1", "1", "0", "0");
        assertEquals(Long.MAX_VALUE, freeOutput.affordableOutputTokens(new BigDecimal("0.000001"), 1));
        assertEquals(-1, freeOutput.affordableOutputTokens(new BigDecimal("0.000000999"), 1));
    }

    @Test
    void priceVersionNamesTheModelAndTheNewestEntryUsed() {
        assertEquals("model-x@2026-03-01T00:00:00Z", GPT_4O.priceVersion());
    }

    @Test
    void ratesNeedEveryClassPricedAtZeroOrMore() {
        Map<TokenClass, BigDecimal> partial = new EnumMap<>(TokenClass.class);
        partial.put(TokenClass.INPUT, BigDecimal.ONE);
        assertThrows(IllegalArgumentException.class, () -> new ModelRates("m", USD, partial, BigDecimal.ZERO, VERSION));
        assertThrows(IllegalArgumentException.class, () -> rates("-0.1", "1", "1", "1", "1", "1", "1"));
        assertThrows(IllegalArgumentException.class, () -> SONNET.bound(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> SONNET.bound(0, -1));
    }
}
