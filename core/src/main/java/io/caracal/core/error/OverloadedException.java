package io.caracal.core.error;

/** More work is waiting than can be done within its deadline: refused before any of it was done, so a retry is safe. */
public final class OverloadedException extends CaracalException {
    public OverloadedException(String message) {
        super(message);
    }
}
