package io.caracal.core.pricing;

import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PricebookJsonTest {
    private static final CurrencyCode USD = new CurrencyCode("USD");
    private static final CurrencyCode EUR = new CurrencyCode("EUR");
    private static final Instant JULY = Instant.parse("2026-07-01T00:00:00Z");

    private static List<PriceDraft> parse(String json) {
        return PricebookJson.parse(new StringReader(json));
    }

    private static PriceDraft draft(String key, String price, CurrencyCode currency, Instant from) {
        return new PriceDraft(key, Money.parse("unit_price", price, currency), from);
    }

    @Test
    void readsAnArrayOfEntries() {
        assertEquals(List.of(
                draft("llm:gpt-4o:input", "2.50", USD, null),
                draft("search.query", "0.01", EUR, JULY),
                draft("mcp.fetch.call", "0.002", USD, null)), parse("""
                [
                  {"resource_key": "llm:gpt-4o:input", "unit_price": "2.50", "currency": "USD"},
                  {"resource_key": "search.query", "unit_price": "0.01", "currency": "eur", "effective_from": "2026-07-01T00:00:00Z"},
                  {"resource_key": "mcp.fetch.call", "unit_price": "0.002", "currency": "USD", "effective_from": null, "_comment": "per call"}
                ]
                """));
    }

    @Test
    void numbersAreReadExactly() {
        List<PriceDraft> drafts = parse("""
                [{"resource_key": "a", "unit_price": 0.1, "currency": "USD"},
                 {"resource_key": "b", "unit_price": 1e-7, "currency": "USD"},
                 {"resource_key": "c", "unit_price": 0.123456789, "currency": "USD"},
                 {"resource_key": "d", "unit_price": 12, "currency": "USD"}]
                """);
        assertEquals(List.of("0.100000000", "0.000000100", "0.123456789", "12.000000000"),
                drafts.stream().map(d -> d.unitPrice().amount().toPlainString()).toList());
    }

    @Test
    void expandsModelsIntoTheirPricebookKeys() {
        List<PriceDraft> drafts = parse("""
                {
                  "_comment": "an example",
                  "models": {
                    "o3-mini": {"currency": "USD", "output": "4.40", "input": 1.10, "reasoning": "4.40", "request": "0.001", "_comment": "no cache writes"},
                    "claude-haiku-4-5": {"currency": "EUR", "effective_from": "2026-07-01T00:00:00Z",
                                         "input": "1.00", "cached_input": "0.10", "cache_write_5m": "1.25", "cache_write_1h": "2.00", "output": "5.00"}
                  }
                }
                """);
        assertEquals(List.of(
                draft("llm:o3-mini:input", "1.10", USD, null),
                draft("llm:o3-mini:output", "4.40", USD, null),
                draft("llm:o3-mini:reasoning", "4.40", USD, null),
                draft("llm:o3-mini:request", "0.001", USD, null),
                draft("llm:claude-haiku-4-5:input", "1.00", EUR, JULY),
                draft("llm:claude-haiku-4-5:cached_input", "0.10", EUR, JULY),
                draft("llm:claude-haiku-4-5:cache_write_5m", "1.25", EUR, JULY),
                draft("llm:claude-haiku-4-5:cache_write_1h", "2.00", EUR, JULY),
                draft("llm:claude-haiku-4-5:output", "5.00", EUR, JULY)), drafts);
    }

    @Test
    void theShippedExampleParses() throws IOException {
        String example = Files.readString(Path.of("..", "docs", "examples", "pricebook-llm-example.json"));
        assertTrue(example.contains("\"_comment\": \"EXAMPLE ONLY"), "the example says it is one");
        List<PriceDraft> drafts = parse(example);
        List<String> keys = drafts.stream().map(PriceDraft::resourceKey).toList();
        for (String model : List.of("gpt-4o", "gpt-4o-mini", "o3-mini", "claude-sonnet-4-5", "claude-haiku-4-5")) {
            assertTrue(keys.contains("llm:" + model + ":input") && keys.contains("llm:" + model + ":output"), model);
        }
        assertTrue(keys.contains("llm:o3-mini:reasoning"));
        for (String model : List.of("claude-sonnet-4-5", "claude-haiku-4-5")) {
            assertTrue(keys.contains("llm:" + model + ":cache_write_5m") && keys.contains("llm:" + model + ":cache_write_1h"), model);
        }
        assertEquals(20, drafts.size());
        assertTrue(drafts.stream().allMatch(d -> d.effectiveFrom() == null && d.unitPrice().currency().equals(USD)));
    }

    @Test
    void errorsNameTheEntry() {
        String ok = "{\"resource_key\":\"a\",\"unit_price\":\"1\",\"currency\":\"USD\"}";
        invalid(() -> parse("[" + ok + ",{\"resource_key\":\"b\",\"unit_price\":\"-0.5\",\"currency\":\"USD\"}]"),
                "entry 2 (b): unit_price must not be negative");
        invalid(() -> parse("[" + ok + ",{\"resource_key\":\"b\",\"unit_price\":-0.5,\"currency\":\"USD\"}]"),
                "entry 2 (b): unit_price must not be negative");
        invalid(() -> parse("[{\"resource_key\":\"b\",\"unit_price\":\"0.0000000001\",\"currency\":\"USD\"}]"), "entry 1 (b):", "more than 9 decimal places");
        invalid(() -> parse("[{\"resource_key\":\"b\",\"unit_price\":1e-10,\"currency\":\"USD\"}]"), "entry 1 (b):", "more than 9 decimal places");
        invalid(() -> parse("[{\"resource_key\":\"b\",\"unit_price\":1e999999,\"currency\":\"USD\"}]"), "entry 1 (b): unit_price", "out of range");
        invalid(() -> parse("[{\"resource_key\":\"b\",\"unit_price\":\"1e3\",\"currency\":\"USD\"}]"), "entry 1 (b): unit_price must be a decimal number");
        invalid(() -> parse("[{\"resource_key\":\"b\",\"unit_price\":true,\"currency\":\"USD\"}]"), "entry 1 (b): unit_price must be a decimal number");
        invalid(() -> parse("[{\"resource_key\":\"b\",\"currency\":\"USD\"}]"), "entry 1 (b): unit_price is required");
        invalid(() -> parse("[{\"resource_key\":\"b\",\"unit_price\":\"1\",\"currency\":\"XYZ\"}]"), "entry 1 (b): unknown currency 'XYZ'");
        invalid(() -> parse("[{\"resource_key\":\"b\",\"unit_price\":\"1\"}]"), "entry 1 (b): currency is required");
        invalid(() -> parse("[{\"resource_key\":\"open ai\",\"unit_price\":\"1\",\"currency\":\"USD\"}]"), "entry 1 (open ai): resource key 'open ai'");
        invalid(() -> parse("[{\"unit_price\":\"1\",\"currency\":\"USD\"}]"), "entry 1: resource key must not be empty");
        invalid(() -> parse("[{\"resource_key\":7,\"unit_price\":\"1\",\"currency\":\"USD\"}]"), "entry 1: resource_key must be a string");
        invalid(() -> parse("[{\"resource_key\":\"b\",\"unit_price\":\"1\",\"currency\":\"USD\",\"effective_from\":\"tomorrow\"}]"),
                "entry 1 (b): effective_from must be an ISO-8601 UTC time");
        invalid(() -> parse("[{\"resource_key\":\"b\",\"unit_price\":\"1\",\"currency\":\"USD\",\"price\":\"2\"}]"),
                "entry 1 (b): unknown field \"price\"");
        invalid(() -> parse("[" + ok + ", 42]"), "entry 2: expected an object");
    }

    @Test
    void errorsNameTheModel() {
        invalid(() -> parse("{\"models\":{\"gpt-4o\":{\"currency\":\"USD\",\"input\":\"2.50\",\"cached_inputs\":\"1.25\"}}}"),
                "model gpt-4o: unknown field \"cached_inputs\"", "cached_input");
        invalid(() -> parse("{\"models\":{\"gpt-4o\":{\"currency\":\"USD\",\"input\":\"2.50\",\"output\":\"-1\"}}}"),
                "model gpt-4o: output must not be negative");
        invalid(() -> parse("{\"models\":{\"gpt-4o\":{\"input\":\"2.50\"}}}"), "model gpt-4o: currency is required");
        invalid(() -> parse("{\"models\":{\"gpt-4o\":{\"currency\":\"USD\"}}}"), "model gpt-4o: no prices");
        invalid(() -> parse("{\"models\":{\"gpt 4o\":{\"currency\":\"USD\",\"input\":\"1\"}}}"), "model gpt 4o: resource key 'llm:gpt 4o:input'");
        invalid(() -> parse("{\"models\":{\"gpt-4o\":\"2.50\"}}"), "model gpt-4o: expected an object");
        invalid(() -> parse("{\"models\":{\"gpt-4o\":{\"currency\":\"USD\",\"effective_from\":\"2026-07-01\",\"input\":\"1\"}}}"),
                "model gpt-4o: effective_from must be an ISO-8601 UTC time");
    }

    @Test
    void aResourcePricedTwiceIsRejected() {
        invalid(() -> parse("""
                [{"resource_key":"a","unit_price":"1","currency":"USD"},
                 {"resource_key":"b","unit_price":"1","currency":"USD"},
                 {"resource_key":"a","unit_price":"2","currency":"USD"}]
                """), "entry 3: a is priced twice");
        invalid(() -> parse("""
                {"models": {"gpt-4o": {"currency": "USD", "input": "2.50", "input": "2.60"}}}
                """), "Duplicate field 'input'");
        assertEquals(2, parse("""
                [{"resource_key":"a","unit_price":"1","currency":"USD","effective_from":"2026-07-01T00:00:00Z"},
                 {"resource_key":"a","unit_price":"2","currency":"USD","effective_from":"2026-08-01T00:00:00Z"}]
                """).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "{\"models\":{}}", "{\"_comment\":\"x\",\"models\":{}}"})
    void aFileWithoutPricesIsRefused(String json) {
        invalid(() -> parse(json), "JSON holds no prices");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  \n", "\uFEFF"})
    void anEmptyFileIsRefused(String json) {
        invalid(() -> parse(json), "JSON is empty");
    }

    @Test
    void malformedJsonSaysWhere() {
        invalid(() -> parse("[\n  {\"resource_key\": \"a\",\n  \"unit_price\": 1,,\n}]"), "not valid JSON at line 3");
        invalid(() -> parse("[] []"), "not valid JSON");
    }

    @Test
    void theRootIsAnArrayOrAnObjectWithModels() {
        invalid(() -> parse("\"prices\""), "a JSON pricebook is an array of entries or an object with \"models\"");
        invalid(() -> parse("{\"_comment\":\"nothing\"}"), "needs \"models\"");
        invalid(() -> parse("{\"models\":[]}"), "needs \"models\"");
        invalid(() -> parse("{\"models\":{},\"prices\":[]}"), "top level: unknown field \"prices\"");
    }

    @Test
    void aByteOrderMarkIsSkipped() {
        assertEquals(1, parse("\uFEFF[{\"resource_key\":\"a\",\"unit_price\":\"1\",\"currency\":\"USD\"}]").size());
    }

    @Test
    void acceptsTheMostPricesAllowedButNoMore() {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 100_000; i++) {
            json.append("{\"resource_key\":\"k").append(i).append("\",\"unit_price\":\"1\",\"currency\":\"USD\"},");
        }
        String full = json.substring(0, json.length() - 1) + "]";
        assertEquals(100_000, parse(full).size());
        invalid(() -> parse(json + "{\"resource_key\":\"extra\",\"unit_price\":\"1\",\"currency\":\"USD\"}]"), "JSON has more than 100000 prices");
    }

    @Test
    void recognisesJsonFilesByExtensionOrFirstCharacter() {
        assertTrue(PricebookJson.isJson("prices.json", ""));
        assertTrue(PricebookJson.isJson("PRICES.JSON", "resource_key,unit_price,currency\n"));
        assertTrue(PricebookJson.isJson("prices.txt", "  \n[{}]"));
        assertTrue(PricebookJson.isJson("prices", "\uFEFF{\"models\":{}}"));
        assertFalse(PricebookJson.isJson("prices.csv", "resource_key,unit_price,currency\n"));
        assertFalse(PricebookJson.isJson("prices", ""));
    }
}
