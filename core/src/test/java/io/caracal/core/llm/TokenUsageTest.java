package io.caracal.core.llm;

import io.caracal.core.pricing.ModelPriceKeys;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TokenUsageTest {
    @Test
    void classesAreNamedAsThePricebookKeysThem() {
        assertEquals(ModelPriceKeys.TOKEN_CLASSES, Arrays.stream(TokenClass.values()).map(TokenClass::key).toList());
    }

    @Test
    void getReadsEachClass() {
        TokenUsage usage = new TokenUsage(1, 2, 3, 4, 5, 6);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), Arrays.stream(TokenClass.values()).map(usage::get).toList());
    }

    @Test
    void metadataHasAllSixClassesInOrder() {
        Map<String, String> metadata = new TokenUsage(123, 0, 7, 0, 45, 6).metadata();
        assertEquals(List.of("tokens.input", "tokens.cached_input", "tokens.cache_write_5m", "tokens.cache_write_1h", "tokens.output",
                "tokens.reasoning"), List.copyOf(metadata.keySet()));
        assertEquals(List.of("123", "0", "7", "0", "45", "6"), List.copyOf(metadata.values()));
    }

    @Test
    void countsAreNeverNegative() {
        assertThrows(IllegalArgumentException.class, () -> new TokenUsage(0, 0, 0, 0, -1, 0));
        assertEquals(TokenUsage.NONE, new TokenUsage(0, 0, 0, 0, 0, 0));
    }
}
