package io.caracal.cli.ledger;

import io.caracal.core.llm.TokenUsage;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TokenCountsTest {
    @Test
    void showsInputAndOutputAlwaysAndTheOtherClassesOnlyWhenUsed() {
        assertEquals("input=1200 cached_input=200 output=150", TokenCounts.compact(new TokenUsage(1200, 200, 0, 0, 150, 0).metadata()));
        assertEquals("input=0 output=0", TokenCounts.compact(TokenUsage.NONE.metadata()));
        assertEquals("input=10 cached_input=1 cache_write_5m=2 cache_write_1h=3 output=4 reasoning=5",
                TokenCounts.compact(new TokenUsage(10, 1, 2, 3, 4, 5).metadata()));
    }

    @Test
    void saysWhenTheProviderReportedNoUsage() {
        assertEquals("not reported", TokenCounts.compact(Map.of("model", "o3", "usage", "not_reported")));
    }

    @Test
    void isEmptyForAChargeWithoutTokenCounts() {
        assertEquals("", TokenCounts.compact(Map.of("resource", "mcp:search/tools/call:web_search")));
    }
}
