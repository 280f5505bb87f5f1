package io.caracal.core.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;
import java.util.UUID;

import static io.caracal.core.error.Rejections.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AgentDraftTest {
    private static final UUID PARENT = UUID.fromString("00000000-0000-4000-8000-000000000001");

    private static AgentDraft draft(String name, String description, String owner) {
        return new AgentDraft(name, description, owner, null, null);
    }

    @Test
    void keepsValidFieldsStrippedOfSurroundingSpace() {
        AgentDraft draft = new AgentDraft("  research-bot ", " summarises papers\n", " ml-team ", PARENT,
                Map.of("env", "prod"));
        assertEquals("research-bot", draft.name());
        assertEquals("summarises papers", draft.description());
        assertEquals("ml-team", draft.owner());
        assertEquals(PARENT, draft.parentId());
        assertEquals(Map.of("env", "prod"), draft.metadata());
    }

    @Test
    void missingDescriptionAndMetadataBecomeEmpty() {
        AgentDraft draft = draft("bot", null, "ops");
        assertEquals("", draft.description());
        assertEquals(Map.of(), draft.metadata());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "\t\n"})
    void rejectsBlankName(String name) {
        invalid(() -> draft(name, "d", "ops"), "name must not be empty");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   "})
    void rejectsBlankOwner(String owner) {
        invalid(() -> draft("bot", "d", owner), "owner must not be empty");
    }

    @Test
    void limitsNameAndOwnerTo255Characters() {
        assertEquals(255, draft("n".repeat(255), null, "ops").name().length());
        assertEquals(255, draft("bot", null, "o".repeat(255)).owner().length());
        invalid(() -> draft("n".repeat(256), null, "ops"), "name is longer than 255 characters");
        invalid(() -> draft("bot", null, "o".repeat(256)), "owner is longer than 255 characters");
    }

    @Test
    void lengthIsCountedAfterStripping() {
        assertEquals("n".repeat(255), draft("  " + "n".repeat(255) + "  ", null, "ops").name());
    }

    @Test
    void limitsDescriptionTo2000Characters() {
        assertEquals(2000, draft("bot", "d".repeat(2000), "ops").description().length());
        invalid(() -> draft("bot", "d".repeat(2001), "ops"), "description is longer than 2000 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bot\u0000x", "a\nb", "a\tb", "bell\u0007", "del\u007Fx", "c1\u0085x"})
    void rejectsControlCharacters(String text) {
        invalid(() -> draft(text, null, "ops"), "name must not contain control characters");
        invalid(() -> draft("bot", null, text), "owner must not contain control characters");
        invalid(() -> draft("bot", text, "ops"), "description must not contain control characters");
    }

    @Test
    void rejectsInvalidMetadata() {
        invalid(() -> new AgentDraft("bot", null, "ops", null, Map.of("bad key", "v")), "metadata key 'bad key'");
    }
}
