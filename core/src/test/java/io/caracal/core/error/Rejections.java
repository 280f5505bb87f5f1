package io.caracal.core.error;

import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test support: asserts that a call is refused with a given exception whose message says the given things. */
public final class Rejections {
    private Rejections() {
    }

    public static InvalidInputException invalid(Executable call, String... fragments) {
        return rejected(InvalidInputException.class, call, fragments);
    }

    public static ConflictException conflict(Executable call, String... fragments) {
        return rejected(ConflictException.class, call, fragments);
    }

    public static <T extends Throwable> T rejected(Class<T> type, Executable call, String... fragments) {
        T e = assertThrows(type, call);
        String message = e.getMessage();
        for (String fragment : fragments) {
            assertTrue(message != null && message.contains(fragment),
                    () -> "expected the message to contain '" + fragment + "' but it was: " + message);
        }
        return e;
    }
}
