package io.caracal.core.agent;

import io.caracal.core.error.InvalidInputException;

import java.util.Map;
import java.util.UUID;

/** What an operator supplies to register an agent, checked for shape before anything is stored. */
public record AgentDraft(String name, String description, String owner, UUID parentId, Map<String, String> metadata) {
    public AgentDraft {
        name = Text.required("name", name, 255);
        owner = Text.required("owner", owner, 255);
        description = Text.optional("description", description, 2000);
        metadata = AgentMetadata.validated(metadata);
    }

    /** Small text rules shared by the draft and later edits. */
    static final class Text {
        private Text() {
        }

        static String required(String what, String value, int maxLength) {
            if (value == null || value.isBlank()) {
                throw new InvalidInputException(what + " must not be empty");
            }
            return optional(what, value, maxLength);
        }

        static String optional(String what, String value, int maxLength) {
            if (value == null) {
                return "";
            }
            String trimmed = value.strip();
            if (trimmed.length() > maxLength) {
                throw new InvalidInputException(what + " is longer than " + maxLength + " characters");
            }
            if (trimmed.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidInputException(what + " must not contain control characters");
            }
            return trimmed;
        }
    }
}
