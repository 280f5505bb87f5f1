package io.caracal.gateway.proxy;

import io.caracal.core.money.Money;

import java.util.Map;
import java.util.Optional;

/**
 * Reads a priced call's answer on its way to the client and says what the call cost. Fed the body chunk by chunk
 * as it arrives (a whole JSON body is one chunk); not thread-safe, one per call.
 */
interface AnswerMeter {
    /** The bytes to pass on now. */
    byte[] accept(byte[] chunk);

    /** At the end of the answer: the bytes still to pass on. */
    byte[] finish();

    /** Whether the answer has run past what was held for it, or can no longer be metered: a stream is then cut where it stands. */
    default boolean pastHold() {
        return false;
    }

    /** The bytes that end a stream cleanly when it is cut. */
    default byte[] cutTail() {
        return new byte[0];
    }

    /**
     * What the answer read so far says the call cost: its reported cost, {@code held} when it reported none, or
     * empty when it is no charge at all (the upstream refused the call in its answer).
     */
    Optional<Money> cost(Money held);

    /** What the ledger keeps of how the cost was reached (token counts, price version). */
    Map<String, String> metadata();
}
