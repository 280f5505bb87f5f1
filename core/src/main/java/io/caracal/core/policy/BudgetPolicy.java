package io.caracal.core.policy;

import io.caracal.core.money.Money;

import java.time.Instant;
import java.time.ZoneId;
import java.util.UUID;

/**
 * A hard spending limit for one agent over one time window, in one currency. {@code timeZone} is null for
 * UTC and for rolling windows; {@code delegatedFrom} names the parent whose budget this one is carved from.
 */
public record BudgetPolicy(
        UUID id,
        UUID agentId,
        Money limit,
        TimeWindow timeWindow,
        WindowType windowType,
        ZoneId timeZone,
        UUID delegatedFrom,
        boolean active,
        Instant createdAt,
        Instant updatedAt) {
}
