package io.caracal.core.agent;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentChangeTest {
    private static final UUID PARENT = UUID.fromString("00000000-0000-4000-8000-000000000001");

    private static AgentChange change(Optional<String> description, Optional<String> owner, Optional<UUID> parent,
                                      boolean clearParent, Optional<Map<String, String>> metadata) {
        return new AgentChange(description, owner, parent, clearParent, metadata);
    }

    @Test
    void anEditWithNothingIsEmpty() {
        assertTrue(change(Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.empty()).isEmpty());
    }

    @Test
    void anyFieldMakesTheEditNonEmpty() {
        assertFalse(change(Optional.of(""), Optional.empty(), Optional.empty(), false, Optional.empty()).isEmpty());
        assertFalse(change(Optional.empty(), Optional.of("ops"), Optional.empty(), false, Optional.empty()).isEmpty());
        assertFalse(change(Optional.empty(), Optional.empty(), Optional.of(PARENT), false, Optional.empty()).isEmpty());
        assertFalse(change(Optional.empty(), Optional.empty(), Optional.empty(), true, Optional.empty()).isEmpty());
        assertFalse(change(Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.of(Map.of())).isEmpty());
    }

    @Test
    void stripsTheGivenText() {
        AgentChange change = change(Optional.of(" new text "), Optional.of(" ops "), Optional.empty(), false,
                Optional.of(Map.of("env", " prod ")));
        assertEquals(Optional.of("new text"), change.description());
        assertEquals(Optional.of("ops"), change.owner());
        assertEquals(Optional.of(Map.of("env", "prod")), change.metadata());
    }

    @Test
    void aDescriptionMayBeClearedButAnOwnerMayNot() {
        assertEquals(Optional.of(""), change(Optional.of("  "), Optional.empty(), Optional.empty(), false,
                Optional.empty()).description());
        invalid(() -> change(Optional.empty(), Optional.of("  "), Optional.empty(), false, Optional.empty()),
                "owner must not be empty");
    }

    @Test
    void appliesTheDraftLengthLimits() {
        invalid(() -> change(Optional.of("d".repeat(2001)), Optional.empty(), Optional.empty(), false, Optional.empty()),
                "description is longer than 2000 characters");
        invalid(() -> change(Optional.empty(), Optional.of("o".repeat(256)), Optional.empty(), false, Optional.empty()),
                "owner is longer than 255 characters");
    }

    @Test
    void rejectsControlCharacters() {
        invalid(() -> change(Optional.of("a\u0000b"), Optional.empty(), Optional.empty(), false, Optional.empty()),
                "description must not contain control characters");
        invalid(() -> change(Optional.empty(), Optional.of("a\nb"), Optional.empty(), false, Optional.empty()),
                "owner must not contain control characters");
    }

    @Test
    void validatesMetadata() {
        invalid(() -> change(Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.of(Map.of("a b", "v"))),
                "metadata key 'a b'");
    }

    @Test
    void rejectsANewParentTogetherWithClearingIt() {
        invalid(() -> change(Optional.empty(), Optional.empty(), Optional.of(PARENT), true, Optional.empty()),
                "give a new parent or clear it, not both");
    }
}
