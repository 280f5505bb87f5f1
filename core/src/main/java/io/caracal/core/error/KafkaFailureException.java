package io.caracal.core.error;

/** A call to Kafka failed or timed out; the message is Kafka's own reason and never holds credentials. */
public final class KafkaFailureException extends CaracalException {
    public KafkaFailureException(String message, Throwable cause) {
        super(message, cause);
    }
}
