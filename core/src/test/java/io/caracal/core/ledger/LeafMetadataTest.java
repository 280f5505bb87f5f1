package io.caracal.core.ledger;

import io.caracal.core.store.JsonMaps;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Metadata cut straight from jsonb's bytes must be the pairs the JSON parser gives, key-sorted as the leaf sorts
 * them (UTF-16 order), for every shape PostgreSQL prints and for those the short cut hands to the parser.
 */
class LeafMetadataTest {
    @ParameterizedTest
    @ValueSource(strings = {"{}", " { } ", "{\"a\": \"1\"}", "{\"b\": \"2\", \"a\": \"1\", \"A\": \"0\"}", "{\"aa\": \"1\", \"a\": \"2\", \"\": \"empty key\"}",
            "{\"a\":\"1\",\"b\":\"2\"}", " {\n \"a\" : \"1\" ,\t\"b\" : \"\" } ", "{\"k\": \"é 模型 😀\"}", "{\"é\": \"x\", \"z\": \"y\", \"\uFFFD\": \"r\", \"😀\": \"a\"}",
            "{\"a\": \"x\\\"y\", \"b\": \"\\\\\"}", "{\"a\": \"\\u00e9\"}", "{\"a\": 1, \"b\": \"2\"}", "{\"a\": true}", "{\"z\": \"1\", \"y\": \"2\", \"x\": \"3\", \"w\": \"4\"}"})
    void givesWhatTheJsonParserGives(String json) {
        List<byte[]> expected = new ArrayList<>();
        JsonMaps.read(json).forEach((key, value) -> {
            expected.add(key.getBytes(StandardCharsets.UTF_8));
            expected.add(value.getBytes(StandardCharsets.UTF_8));
        });
        List<byte[]> actual = LeafReader.metadata(jsonb(json));
        assertEquals(text(expected), text(actual));
    }

    private static byte[] jsonb(String json) {
        byte[] text = json.getBytes(StandardCharsets.UTF_8);
        byte[] jsonb = new byte[text.length + 1];
        jsonb[0] = 1;
        System.arraycopy(text, 0, jsonb, 1, text.length);
        return jsonb;
    }

    private static List<String> text(List<byte[]> pairs) {
        return pairs.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }
}
