package io.caracal.core.pipeline;

import java.util.List;

/** Where dead letters go; {@link #send} returns only once they are durably stored, or throws. */
public interface DeadLetterSink {
    void send(List<DeadLetter> letters);
}
