package io.caracal.core.error;

/** The request itself is wrong (malformed, out of range, inconsistent); retrying it unchanged will fail again. */
public final class InvalidInputException extends CaracalException {
    public InvalidInputException(String message) {
        super(message);
    }
}
