package io.caracal.core.error;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.UUID;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;

class IdsTest {
    private static final String CANONICAL = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";

    @Test
    void parsesTheCanonicalForm() {
        assertEquals(UUID.fromString(CANONICAL), Ids.parse("agent id", CANONICAL));
    }

    @Test
    void acceptsUpperCaseAndSurroundingSpace() {
        assertEquals(UUID.fromString(CANONICAL), Ids.parse("agent id", CANONICAL.toUpperCase()));
        assertEquals(UUID.fromString(CANONICAL), Ids.parse("agent id", "  " + CANONICAL + "\n"));
    }

    @Test
    void rejectsTheShortFormThatUuidFromStringAccepts() {
        invalid(() -> Ids.parse("agent id", "1-2-3-4-5"), "agent id '1-2-3-4-5' is not a UUID");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "abc",
            "3f2504e04f8911d39a0c0305e82c3301",
            "3f2504e0-4f89-11d3-9a0c-0305e82c33011",
            "3f2504e0-4f89-11d3-9a0c-0305e82c330",
            "zf2504e0-4f89-11d3-9a0c-0305e82c3301",
            "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}",
            "+f2504e0-4f89-11d3-9a0c-0305e82c3301",
    })
    void rejectsAnythingButACanonicalUuidAndNamesTheField(String text) {
        invalid(() -> Ids.parse("policy id", text), "policy id '" + text + "' is not a UUID");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void requiresAnId(String text) {
        invalid(() -> Ids.parse("parent id", text), "parent id is required");
    }
}
