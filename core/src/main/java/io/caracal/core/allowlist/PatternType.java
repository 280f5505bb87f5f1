package io.caracal.core.allowlist;

import io.caracal.core.error.InvalidInputException;

import java.util.Locale;

/** How an allowlist pattern is read. */
public enum PatternType {
    REGEX, GLOB;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PatternType parse(String label) {
        if (label != null) {
            for (PatternType type : values()) {
                if (type.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
                    return type;
                }
            }
        }
        throw new InvalidInputException("unknown pattern type '" + label + "' (one of regex, glob)");
    }
}
