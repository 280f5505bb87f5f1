package io.caracal.core.budget;

import io.caracal.core.money.Money;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A reservation of an estimated cost on every budget that applies to an agent. */
public record Hold(UUID id, UUID agentId, Money estimate, Instant createdAt, Instant expiresAt, HoldState state, List<BudgetLine> lines) {
    public Hold {
        lines = List.copyOf(lines);
    }
}
