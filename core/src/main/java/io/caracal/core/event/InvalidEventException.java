package io.caracal.core.event;

/**
 * An event no consumer can ever process as it is (bad schema, unknown agent, negative amount, unknown currency):
 * retrying cannot help, so it goes to the dead-letter queue with {@link #errorType()} and the events around it
 * flow on.
 */
public final class InvalidEventException extends RuntimeException {
    public static final String SCHEMA = "InvalidSchema";
    public static final String CONTENT = "InvalidEvent";
    public static final String UNKNOWN_AGENT = "UnknownAgent";
    public static final String UNKNOWN_POLICY = "UnknownPolicy";
    public static final String NEGATIVE_AMOUNT = "NegativeAmount";
    public static final String UNKNOWN_CURRENCY = "UnknownCurrency";
    public static final String CONFLICT = "ConflictingEvent";

    private final String errorType;

    public InvalidEventException(String errorType, String message) {
        super(message);
        this.errorType = errorType;
    }

    public InvalidEventException(String errorType, String message, Throwable cause) {
        super(message, cause);
        this.errorType = errorType;
    }

    public String errorType() {
        return errorType;
    }
}
