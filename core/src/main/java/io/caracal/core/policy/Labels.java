package io.caracal.core.policy;

import io.caracal.core.error.InvalidInputException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Lower-case labels for enums as they appear in the CLI, the database and events. */
final class Labels {
    private Labels() {
    }

    static String of(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    static <E extends Enum<E>> E parse(Class<E> type, String what, String label) {
        String allowed = Arrays.stream(type.getEnumConstants()).map(Labels::of).collect(Collectors.joining(", "));
        if (label == null || label.isBlank()) {
            throw new InvalidInputException(what + " is required (one of " + allowed + ")");
        }
        for (E value : type.getEnumConstants()) {
            if (of(value).equals(label.trim().toLowerCase(Locale.ROOT))) {
                return value;
            }
        }
        throw new InvalidInputException("unknown " + what + " '" + label + "' (one of " + allowed + ")");
    }
}
