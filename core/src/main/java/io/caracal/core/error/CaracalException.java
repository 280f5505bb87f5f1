package io.caracal.core.error;

/**
 * A failure whose message is written for the operator or agent that caused it: edges print it as is
 * (the CLI on one stderr line, the gateway in its error body). It never carries secrets.
 */
public abstract class CaracalException extends RuntimeException {
    protected CaracalException(String message) {
        super(message);
    }

    protected CaracalException(String message, Throwable cause) {
        super(message, cause);
    }
}
