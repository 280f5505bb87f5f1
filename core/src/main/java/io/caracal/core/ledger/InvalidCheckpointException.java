package io.caracal.core.ledger;

/** A checkpoint whose note is malformed, signed by no trusted key, or whose signature does not match. */
public final class InvalidCheckpointException extends Exception {
    public InvalidCheckpointException(String message) {
        super(message);
    }
}
