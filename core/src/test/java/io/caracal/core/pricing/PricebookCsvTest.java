package io.caracal.core.pricing;

import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.StringReader;
import java.time.Instant;
import java.util.List;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PricebookCsvTest {
    private static final CurrencyCode USD = new CurrencyCode("USD");
    private static final CurrencyCode EUR = new CurrencyCode("EUR");

    private static List<PriceDraft> parse(String csv) {
        return PricebookCsv.parse(new StringReader(csv));
    }

    private static Money money(String amount, CurrencyCode currency) {
        return Money.parse("unit_price", amount, currency);
    }

    @Test
    void parsesAFileWithoutEffectiveFrom() {
        List<PriceDraft> drafts = parse("""
                resource_key,unit_price,currency
                openai.gpt-4o.input_tokens,0.0000025,USD
                openai.gpt-4o.output_tokens,0.00001,usd
                """);
        assertEquals(List.of(
                new PriceDraft("openai.gpt-4o.input_tokens", money("0.0000025", USD), null),
                new PriceDraft("openai.gpt-4o.output_tokens", money("0.00001", USD), null)), drafts);
    }

    @Test
    void parsesAFileWithEffectiveFrom() {
        List<PriceDraft> drafts = parse("""
                resource_key,unit_price,currency,effective_from
                search.query,0.01,EUR,2026-01-01T00:00:00Z
                search.query,0.02,EUR,2026-07-01T12:30:00Z
                search.image,0,EUR,
                """);
        assertEquals(List.of(
                new PriceDraft("search.query", money("0.01", EUR), Instant.parse("2026-01-01T00:00:00Z")),
                new PriceDraft("search.query", money("0.02", EUR), Instant.parse("2026-07-01T12:30:00Z")),
                new PriceDraft("search.image", money("0", EUR), null)), drafts);
    }

    @Test
    void toleratesAByteOrderMarkCrLfAndSpaceAroundCells() {
        List<PriceDraft> drafts = parse("\uFEFFresource_key, unit_price ,currency\r\n a.b , 1.5 , usd \r\n");
        assertEquals(List.of(new PriceDraft("a.b", money("1.5", USD), null)), drafts);
    }

    @Test
    void skipsBlankLinesButCountsThemInLineNumbers() {
        List<PriceDraft> drafts = parse("resource_key,unit_price,currency\n\n   \na,1,USD\n\nb,2,USD\n\n");
        assertEquals(List.of("a", "b"), drafts.stream().map(PriceDraft::resourceKey).toList());
        invalid(() -> parse("resource_key,unit_price,currency\n\na,1,USD\n\nb,2\n"), "line 5: expected 3 fields, got 2");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "key,price,currency",
            "resource_key,unit_price",
            "resource_key,unit_price,currency,effective_from,note",
            "unit_price,resource_key,currency",
            "Resource_Key,Unit_Price,Currency",
            "a,1,USD",
    })
    void rejectsAWrongHeader(String header) {
        invalid(() -> parse(header + "\na,1,USD\n"),
                "line 1: expected the header resource_key,unit_price,currency[,effective_from]", "got '" + header + "'");
    }

    @Test
    void aWrongFieldCountNamesTheLine() {
        invalid(() -> parse("resource_key,unit_price,currency\na,1,USD\nb,2\n"), "line 3: expected 3 fields, got 2");
        invalid(() -> parse("resource_key,unit_price,currency\na,1,USD,\n"), "line 2: expected 3 fields, got 4");
        invalid(() -> parse("resource_key,unit_price,currency,effective_from\na,1,USD\n"), "line 2: expected 4 fields, got 3");
    }

    @Test
    void aNegativePriceNamesTheLine() {
        invalid(() -> parse("resource_key,unit_price,currency\na,1,USD\nb,-0.5,USD\n"),
                "line 3: unit_price must not be negative");
    }

    @Test
    void otherBadCellsNameTheLine() {
        invalid(() -> parse("resource_key,unit_price,currency\na,1e-3,USD\n"), "line 2: unit_price must be a decimal number");
        invalid(() -> parse("resource_key,unit_price,currency\na,,USD\n"), "line 2: unit_price is required");
        invalid(() -> parse("resource_key,unit_price,currency\na,0.0000000001,USD\n"), "line 2:", "more than 9 decimal places");
        invalid(() -> parse("resource_key,unit_price,currency\na,1,XYZ\n"), "line 2: unknown currency 'XYZ'");
        invalid(() -> parse("resource_key,unit_price,currency\na,1,\n"), "line 2: currency is required");
        invalid(() -> parse("resource_key,unit_price,currency\nopen ai,1,USD\n"), "line 2: resource key 'open ai'");
        invalid(() -> parse("resource_key,unit_price,currency\n,1,USD\n"), "line 2: resource key must not be empty");
    }

    @Test
    void aResourcePricedTwiceIsRejected() {
        invalid(() -> parse("resource_key,unit_price,currency\na,1,USD\nb,1,USD\na,2,USD\n"), "line 4: a is priced twice");
    }

    @Test
    void aResourcePricedTwiceFromTheSameInstantIsRejected() {
        invalid(() -> parse("""
                resource_key,unit_price,currency,effective_from
                a,1,USD,2026-01-01T00:00:00Z
                a,2,USD,2026-01-01T00:00:00.000Z
                """), "line 3: a is priced twice from 2026-01-01T00:00:00Z");
    }

    @Test
    void aResourceMayHaveSeveralStartTimes() {
        assertEquals(2, parse("""
                resource_key,unit_price,currency,effective_from
                a,1,USD,2026-01-01T00:00:00Z
                a,2,USD,2026-02-01T00:00:00Z
                """).size());
    }

    @Test
    void blankLinesBeforeTheHeaderAreSkippedAndErrorsNameTheRealLine() {
        assertEquals(1, parse("\n\nresource_key,unit_price,currency\na,1,USD\n").size());
        invalid(() -> parse("\nresource_key,unit_price,currency\na,-1,USD\n"), "line 3: unit_price must not be negative");
        invalid(() -> parse("\n\nresource,price\n"), "line 3: expected the header");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "  \n"})
    void rejectsAnEmptyFile(String csv) {
        invalid(() -> parse(csv), "CSV is empty", "expected the header");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "resource_key,unit_price,currency",
            "resource_key,unit_price,currency\n",
            "resource_key,unit_price,currency,effective_from\n\n  \n",
    })
    void aHeaderWithoutRowsHoldsNoPrices(String csv) {
        invalid(() -> parse(csv), "CSV holds no prices");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-01-01", "2026-01-01 00:00:00", "2026-13-01T00:00:00Z", "yesterday", "1767225600"})
    void rejectsABadTimestamp(String timestamp) {
        invalid(() -> parse("resource_key,unit_price,currency,effective_from\na,1,USD,2026-01-01T00:00:00Z\nb,1,USD," + timestamp + "\n"),
                "line 3: effective_from must be an ISO-8601 UTC time such as 2026-01-01T00:00:00Z");
    }

    @Test
    void acceptsTheMostRowsAllowedButNoMore() {
        StringBuilder csv = new StringBuilder("resource_key,unit_price,currency\n");
        for (int i = 0; i < 100_000; i++) {
            csv.append("k").append(i).append(",1,USD\n");
        }
        assertEquals(100_000, parse(csv.toString()).size());
        csv.append("extra,1,USD\n");
        invalid(() -> parse(csv.toString()), "CSV has more than 100000 rows");
    }

    @Test
    void aRowWithoutEffectiveFromInAFourColumnFileStartsNow() {
        assertNull(parse("resource_key,unit_price,currency,effective_from\na,1,USD,   \n").get(0).effectiveFrom());
    }
}
