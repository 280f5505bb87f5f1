package io.caracal.core.budget;

import io.caracal.core.money.Money;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A settled hold: the charge recorded in the ledger, and what it counted against each budget. */
public record Settlement(UUID eventId, UUID holdId, UUID agentId, Money actual, Instant occurredAt, List<BudgetLine> lines,
                         boolean alreadySettled) {
    public Settlement {
        lines = List.copyOf(lines);
    }
}
