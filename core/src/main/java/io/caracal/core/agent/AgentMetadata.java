package io.caracal.core.agent;

import io.caracal.core.error.InvalidInputException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Free-form key=value labels on an agent; bounded so that a typo cannot store megabytes. */
public final class AgentMetadata {
    private static final int MAX_ENTRIES = 64;

    private AgentMetadata() {
    }

    static Map<String, String> validated(Map<String, String> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        if (metadata.size() > MAX_ENTRIES) {
            throw new InvalidInputException("at most " + MAX_ENTRIES + " metadata entries are allowed");
        }
        Map<String, String> result = new LinkedHashMap<>();
        metadata.forEach((key, value) -> {
            if (key == null || !key.matches("[A-Za-z0-9_.:/-]{1,64}")) {
                throw new InvalidInputException("metadata key '" + key + "' must be 1-64 letters, digits or _ . : / -");
            }
            result.put(key, AgentDraft.Text.optional("metadata value of " + key, value, 1000));
        });
        return result;
    }

    /** Parses the CLI's repeatable {@code key=value} form; a repeated key is an error, not a silent overwrite. */
    public static Map<String, String> parsePairs(List<String> pairs) {
        Map<String, String> result = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("metadata must be key=value, got '" + pair + "'");
            }
            if (result.put(pair.substring(0, eq).trim(), pair.substring(eq + 1)) != null) {
                throw new InvalidInputException("metadata key '" + pair.substring(0, eq).trim() + "' is given twice");
            }
        }
        return validated(result);
    }
}
