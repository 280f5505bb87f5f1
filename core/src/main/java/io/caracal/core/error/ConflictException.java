package io.caracal.core.error;

/** The request is well formed but clashes with what is stored (a duplicate name, an inactive policy, a cycle). */
public final class ConflictException extends CaracalException {
    public ConflictException(String message) {
        super(message);
    }
}
