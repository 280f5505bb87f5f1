package io.caracal.core.receipt;

import io.caracal.core.error.CaracalException;

/** A receipt that proves nothing: unreadable, signed by a key nobody registered or trusts, or altered after signing. */
public final class InvalidReceiptException extends CaracalException {
    public enum Reason { MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE }

    private final Reason reason;

    public InvalidReceiptException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
