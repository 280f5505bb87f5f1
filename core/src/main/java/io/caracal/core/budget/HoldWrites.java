package io.caracal.core.budget;

import io.caracal.core.event.MeteringEvent;
import io.caracal.core.event.OutboxEvent;

import java.time.Instant;
import java.util.UUID;

/**
 * The durable writes a hold goes through. Each is atomic with the events it reports: a settlement commits with
 * its ledger row and metering event, a close or settlement with the call's decision event. {@link HoldStore}
 * writes each on its own; {@link GroupCommitWriter} batches what many requests write at once.
 */
public abstract class HoldWrites {
    /**
     * Records an open hold. {@code requestId}: the call it is for, which the gateway forwards next; if nothing closes
     * such a hold before it expires, it is charged at its amount. Null for a hold that is not a call's.
     */
    public final void open(Hold hold, String requestId) {
        write(HoldBatch.Open.of(hold, requestId, false));
    }

    /**
     * As {@link #open}, for a call the gateway's degraded mode allowed (bounded by its allowance): while the database is
     * unreachable it may be kept in the writer's journal instead (see {@link GroupCommitWriter}).
     */
    public final void openDegraded(Hold hold, String requestId) {
        write(HoldBatch.Open.of(hold, requestId, true));
    }

    /** Records the charge if the hold is still open, with its decision event (null for none); false when it was not open. */
    public final boolean settle(Settlement settlement, MeteringEvent metering, OutboxEvent decision) {
        return write(HoldBatch.Settle.of(settlement, metering, decision));
    }

    /** Closes an open hold without a charge, with its decision event (null for none); false when it was not open. */
    public final boolean close(UUID holdId, HoldState state, Instant at, OutboxEvent decision) {
        return write(new HoldBatch.Close(holdId, state, at, decision));
    }

    /** Records an event that closes no hold: a call refused before anything was held. */
    public final void record(OutboxEvent event) {
        write(new HoldBatch.Record(event));
    }

    /** Whether the write took effect (a settle or close found its hold open). */
    abstract boolean write(HoldBatch.Write write);

    /**
     * {@code action} hears the agents whose writes were replayed into PostgreSQL from a journal (see
     * {@link GroupCommitWriter}); writers without a journal never call it.
     */
    void whenReplayed(java.util.function.Consumer<java.util.Set<UUID>> action) {
    }
}
