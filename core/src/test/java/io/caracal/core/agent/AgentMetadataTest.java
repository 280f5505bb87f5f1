package io.caracal.core.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AgentMetadataTest {

    @Test
    void nullMetadataIsEmpty() {
        assertEquals(Map.of(), AgentMetadata.validated(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"env", "A", "team_name", "k8s.io/app", "cost-centre:eu", "0"})
    void acceptsKeysOfLettersDigitsAndSeparators(String key) {
        assertEquals(Map.of(key, "v"), AgentMetadata.validated(Map.of(key, "v")));
    }

    @Test
    void acceptsKeysUpTo64Characters() {
        String key = "k".repeat(64);
        assertEquals(Map.of(key, "v"), AgentMetadata.validated(Map.of(key, "v")));
        invalid(() -> AgentMetadata.validated(Map.of(key + "k", "v")), "metadata key '" + key + "k'", "1-64");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "a=b", "ümlaut", "a,b", "quote\"", "tab\tkey"})
    void rejectsMalformedKeys(String key) {
        invalid(() -> AgentMetadata.validated(Map.of(key, "v")),
                "metadata key '" + key + "' must be 1-64 letters, digits or _ . : / -");
    }

    @Test
    void rejectsNullKey() {
        Map<String, String> metadata = new HashMap<>();
        metadata.put(null, "v");
        invalid(() -> AgentMetadata.validated(metadata), "metadata key 'null'");
    }

    @Test
    void valuesAreStrippedAndNullBecomesEmpty() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("a", "  x ");
        metadata.put("b", null);
        assertEquals(Map.of("a", "x", "b", ""), AgentMetadata.validated(metadata));
    }

    @Test
    void limitsValuesTo1000Characters() {
        assertEquals(1000, AgentMetadata.validated(Map.of("k", "v".repeat(1000))).get("k").length());
        invalid(() -> AgentMetadata.validated(Map.of("k", "v".repeat(1001))),
                "metadata value of k is longer than 1000 characters");
    }

    @Test
    void rejectsControlCharactersInValues() {
        invalid(() -> AgentMetadata.validated(Map.of("k", "a\u0000b")),
                "metadata value of k must not contain control characters");
    }

    @Test
    void limitsTheNumberOfEntriesTo64() {
        Map<String, String> metadata = new HashMap<>();
        for (int i = 0; i < 64; i++) {
            metadata.put("k" + i, "v");
        }
        assertEquals(64, AgentMetadata.validated(metadata).size());
        metadata.put("k64", "v");
        invalid(() -> AgentMetadata.validated(metadata), "at most 64 metadata entries");
    }

    @Test
    void parsePairsReadsKeyValueInOrder() {
        Map<String, String> parsed = AgentMetadata.parsePairs(List.of("env=prod", "team=ml", "empty="));
        assertEquals(List.of("env", "team", "empty"), List.copyOf(parsed.keySet()));
        assertEquals("prod", parsed.get("env"));
        assertEquals("ml", parsed.get("team"));
        assertEquals("", parsed.get("empty"));
    }

    @Test
    void parsePairsSplitsAtTheFirstEqualsSign() {
        assertEquals(Map.of("a", "b=c"), AgentMetadata.parsePairs(List.of("a=b=c")));
        assertEquals(Map.of("url", "https://x.example/?q=1"), AgentMetadata.parsePairs(List.of("url=https://x.example/?q=1")));
    }

    @Test
    void parsePairsTrimsKeysAndStripsValues() {
        assertEquals(Map.of("env", "prod"), AgentMetadata.parsePairs(List.of(" env = prod ")));
    }

    @Test
    void parsePairsRejectsARepeatedKey() {
        invalid(() -> AgentMetadata.parsePairs(List.of("env=prod", "env=dev")), "metadata key 'env' is given twice");
        invalid(() -> AgentMetadata.parsePairs(List.of("env=prod", " env =prod")), "metadata key 'env' is given twice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"novalue", "=value", "", "="})
    void parsePairsRejectsTextWithoutAKey(String pair) {
        invalid(() -> AgentMetadata.parsePairs(List.of(pair)), "metadata must be key=value, got '" + pair + "'");
    }

    @Test
    void parsePairsValidatesTheResult() {
        invalid(() -> AgentMetadata.parsePairs(List.of("bad key=1")), "metadata key 'bad key'");
        invalid(() -> AgentMetadata.parsePairs(List.of(" =1")), "metadata key ''");
        invalid(() -> AgentMetadata.parsePairs(List.of("k=" + "v".repeat(1001))), "longer than 1000");
    }

    @Test
    void parsePairsOfNothingIsEmpty() {
        assertEquals(Map.of(), AgentMetadata.parsePairs(List.of()));
    }
}
