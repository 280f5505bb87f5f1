package io.caracal.core.error;

import java.util.UUID;

/** Parses identifiers typed by people, so a malformed one gets the same clear message everywhere. */
public final class Ids {
    private Ids() {
    }

    public static UUID parse(String what, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException(what + " is required");
        }
        try {
            UUID id = UUID.fromString(text.trim());
            // UUID.fromString accepts short forms such as "1-2-3-4-5"; only the canonical form is an id.
            if (!id.toString().equalsIgnoreCase(text.trim())) {
                throw new IllegalArgumentException();
            }
            return id;
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(what + " '" + text + "' is not a UUID");
        }
    }
}
