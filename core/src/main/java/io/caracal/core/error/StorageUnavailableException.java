package io.caracal.core.error;

/** The database could not be reached or is not in a usable state; the message says what to do about it. */
public final class StorageUnavailableException extends CaracalException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
