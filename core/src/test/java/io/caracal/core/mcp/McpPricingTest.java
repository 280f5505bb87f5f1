package io.caracal.core.mcp;

import io.caracal.core.mcp.McpPricing.PricedResource;
import io.caracal.core.mcp.McpPricing.PricedTool;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.pricing.PriceEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class McpPricingTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final CurrencyCode USD = new CurrencyCode("USD");

    private final Map<String, Money> book = new HashMap<>();
    private final McpPricing pricing = new McpPricing((key, at) -> at.equals(NOW)
            ? Optional.ofNullable(book.get(key)).map(price -> new PriceEntry(key, price, NOW, NOW)) : Optional.empty());

    private static Money usd(String amount) {
        return Money.parse("price", amount, USD);
    }

    /** Prices in USD, given as key, amount, key, amount... */
    private void prices(String... keysAndAmounts) {
        for (int i = 0; i < keysAndAmounts.length; i += 2) {
            book.put(keysAndAmounts[i], usd(keysAndAmounts[i + 1]));
        }
    }

    private Optional<PricedTool> tool(String server, String tool) {
        return pricing.tool(server, tool, NOW);
    }

    private PricedResource resource(String server, String uri) {
        return pricing.resource(server, uri, NOW).orElseThrow();
    }

    @Test
    void aToolIsPricedByItsServersPriceThenTheGlobalOneThenTheServersDefaultThenTheGlobalDefault() {
        prices("mcp.github.tool.search", "0.04", "mcp.tool.search", "0.03", "mcp.github.tool.default", "0.02", "mcp.tool.default", "0.01");
        assertEquals(Optional.of(new PricedTool("mcp.github.tool.search", usd("0.04"))), tool("github", "search"));
        assertEquals(Optional.of(new PricedTool("mcp.tool.search", usd("0.03"))), tool("gitlab", "search"));
        assertEquals(Optional.of(new PricedTool("mcp.github.tool.default", usd("0.02"))), tool("github", "create_issue"));
        assertEquals(Optional.of(new PricedTool("mcp.tool.default", usd("0.01"))), tool("gitlab", "create_issue"));
        book.remove("mcp.github.tool.search");
        assertEquals(Optional.of(new PricedTool("mcp.tool.search", usd("0.03"))), tool("github", "search"));
    }

    @Test
    void aToolWithoutAnyPriceIsNotPricedButAZeroSetOnPurposeIs() {
        assertEquals(Optional.empty(), tool("github", "search"));
        book.put("mcp.github.tool.search", usd("0"));
        assertEquals(Optional.of(new PricedTool("mcp.github.tool.search", usd("0"))), tool("github", "search"));
    }

    @Test
    void thePriceIsTheOneInForceAtTheCallsInstant() {
        book.put("mcp.tool.default", usd("0.01"));
        assertEquals(Optional.empty(), pricing.tool("github", "search", NOW.minusSeconds(1)));
    }

    @Test
    void aNameNoPricebookKeyCanHoldFallsBackToTheDefault() {
        book.put("mcp.tool.default", usd("0.01"));
        book.put("mcp.tool.search", usd("0.50"));
        // "search " would be trimmed to the key of "search": another tool's price.
        assertEquals("mcp.tool.default", tool("github", "search ").orElseThrow().key());
        assertEquals("mcp.tool.default", tool("github", "search docs").orElseThrow().key());
        assertEquals("mcp.tool.search", tool("git hub", "search").orElseThrow().key(), "only the server's scope is passed over");
        assertEquals("mcp.tool.default", tool("github", "s".repeat(250)).orElseThrow().key());
        book.remove("mcp.tool.default");
        assertEquals(Optional.empty(), tool("github", "search docs"));
    }

    @ParameterizedTest
    @CsvSource({
            "file:///project/src/main.rs, file",
            "FILE:///C:/x, file",
            "http://example.com/a, http",
            "https://example.com/a, http",
            "db://orders/42, database",
            "s3://bucket/key, s3",
            "git://repo, unknown",
            "postgres://h/db, unknown",
            "no-scheme/path, unknown",
            "://x, unknown"})
    void aResourceIsPricedByTheTypeOfItsScheme(String uri, String type) {
        book.put("mcp.resource." + type, usd("0.002"));
        assertEquals("mcp.resource." + type, resource("github", uri).key());
    }

    @Test
    void aResourceIsPricedByItsServersTypeThenTheGlobalTypeThenTheDefaults() {
        prices("mcp.github.resource.file", "0.004", "mcp.resource.file", "0.003", "mcp.github.resource.default", "0.002",
                "mcp.resource.default", "0.001");
        assertEquals("mcp.github.resource.file", resource("github", "file:///a").key());
        assertEquals("mcp.resource.file", resource("gitlab", "file:///a").key());
        assertEquals("mcp.github.resource.default", resource("github", "s3://b/k").key());
        assertEquals(new PricedResource("mcp.resource.default", usd("0.001"), null, null), resource("gitlab", "s3://b/k"));
        assertEquals(usd("0.001"), resource("gitlab", "s3://b/k").actual(5_000_000));
    }

    @Test
    void aResourceWithoutABasePriceIsNotPricedEvenWithAPricePerMib() {
        book.put("mcp.resource.file.per_mb", usd("0.5"));
        assertEquals(Optional.empty(), pricing.resource("github", "file:///a", NOW));
    }

    @Test
    void thePricePerMibIsScopedLikeTheBaseAndFoundOnItsOwn() {
        book.put("mcp.resource.default", usd("0.001"));
        book.put("mcp.resource.file.per_mb", usd("0.25"));
        book.put("mcp.github.resource.file.per_mb", usd("0.5"));
        assertEquals(new PricedResource("mcp.resource.default", usd("0.001"), "mcp.github.resource.file.per_mb", usd("0.5")),
                resource("github", "file:///a"));
        assertEquals("mcp.resource.file.per_mb", resource("gitlab", "file:///a").perMbKey());
        assertNull(resource("github", "http://a").perMb(), "a per_mb price is per type: there is none for http");
    }

    @Test
    void theSizeIsChargedInMibExactlyAndRoundedUpOnceToNinePlaces() {
        book.put("mcp.resource.file", usd("0.001"));
        book.put("mcp.resource.file.per_mb", usd("0.5"));
        PricedResource read = resource("github", "file:///a");
        assertEquals(usd("0.001"), read.estimate());
        assertEquals(usd("0.001"), read.actual(0));
        assertEquals(usd("0.501"), read.actual(1 << 20));
        assertEquals(usd("1.501"), read.actual(3 << 20));
        // 1 byte: 0.5 / 2^20 = 0.000000476837158203125, rounded up.
        assertEquals(usd("0.001000477"), read.actual(1));
        // 3 MiB + 1 byte: 1.5 + 0.000000476837158203125 + the base.
        assertEquals(usd("1.501000477"), read.actual((3 << 20) + 1));
        // 10 GiB: 10240 MiB x 0.5, no precision lost on large sizes.
        assertEquals(usd("5120.001"), read.actual(10L << 30));
    }

    @Test
    void theExampleOfTheDocsCostsWhatTheySay() {
        book.put("mcp.resource.s3", usd("0.002"));
        book.put("mcp.resource.s3.per_mb", usd("0.10"));
        PricedResource read = resource("github", "s3://bucket/report.pdf");
        assertEquals(usd("0.352"), read.actual(7 << 19));
        assertEquals(usd("0.002000096"), read.actual(1));
    }

    @Test
    void aTinyPricePerMibStillChargesTheSmallestAmount() {
        book.put("mcp.resource.s3", usd("0"));
        book.put("mcp.resource.s3.per_mb", usd("0.000000001"));
        PricedResource read = resource("github", "s3://b/k");
        assertEquals(usd("0.000000001"), read.actual(1));
        assertEquals(usd("0.000000001"), read.actual(1 << 20));
        assertEquals(usd("0.000000002"), read.actual((1 << 20) + 1));
        assertTrue(read.actual(0).isZero());
    }

    @Test
    void refusesANegativeSizeAndPricesInTwoCurrencies() {
        book.put("mcp.resource.file", usd("0.001"));
        book.put("mcp.resource.file.per_mb", Money.parse("price", "0.5", new CurrencyCode("EUR")));
        invalid(() -> pricing.resource("github", "file:///a", NOW),
                "cannot price a resource read: mcp.resource.file is in USD but mcp.resource.file.per_mb is in EUR");
        book.remove("mcp.resource.file.per_mb");
        invalid(() -> resource("github", "file:///a").actual(-1), "a resource's size cannot be negative, got -1");
    }
}
