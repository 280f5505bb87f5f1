package io.caracal.core.delegation;

import io.caracal.core.error.CaracalException;

/** A delegation token that must not be honoured; the message says why (never echoing the token). */
public final class InvalidDelegationTokenException extends CaracalException {
    public InvalidDelegationTokenException(String message) {
        super(message);
    }
}
