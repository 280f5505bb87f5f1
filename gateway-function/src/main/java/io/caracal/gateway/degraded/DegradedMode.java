package io.caracal.gateway.degraded;

import io.caracal.core.budget.BudgetDecision;
import io.caracal.core.money.Money;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opt-in degraded mode for when a budget store (Redis, PostgreSQL or both) cannot be reached: an agent may keep
 * spending only what its last successful decision said was left, only up to a fixed allowance per agent, and only
 * while that decision is recent. What it spends this way is still recorded, in PostgreSQL or, while PostgreSQL is
 * unreachable, in the replica's spend journal until it is replayed there, so enforcement counts it once the stores
 * are back. The allowance is per gateway replica: with N replicas an agent can overrun by at most N times the
 * allowance during an outage.
 */
public final class DegradedMode {
    private final Money allowance;
    private final Duration maxAge;
    private final Clock clock;
    private final Map<UUID, Entry> cache = new ConcurrentHashMap<>();

    private record Entry(BigDecimal remaining, String currency, Instant at, BigDecimal spent) {
    }

    /** The allowance of one degraded request: how old the cached figures are. */
    public record Grant(Duration cacheAge) {
    }

    public DegradedMode(Money allowance, Duration maxAge, Clock clock) {
        this.allowance = allowance;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** Called on every decision the budget store made: the freshest figures replace any older ones. */
    public void remember(UUID agentId, BudgetDecision decision) {
        if (decision.remaining() != null && decision.currency() != null) {
            cache.put(agentId, new Entry(decision.remaining(), decision.currency(), clock.instant(), BigDecimal.ZERO));
        }
    }

    /** Allows {@code estimate} if it fits what is left of the cached budget and of the allowance. */
    public Optional<Grant> tryAllow(UUID agentId, Money estimate) {
        Instant now = clock.instant();
        Grant[] granted = new Grant[1];
        cache.computeIfPresent(agentId, (id, entry) -> {
            Optional<BigDecimal> left = left(entry, now);
            if (left.isPresent() && estimate.currency().code().equals(entry.currency()) && estimate.amount().compareTo(left.get()) <= 0) {
                granted[0] = new Grant(Duration.between(entry.at(), now));
                return new Entry(entry.remaining(), entry.currency(), entry.at(), entry.spent().add(estimate.amount()));
            }
            return entry;
        });
        return Optional.ofNullable(granted[0]);
    }

    /**
     * Whether degraded mode can serve anyone now, said as {@code /ready} reports it: some agent's cached figures are
     * no older than the max age and leave some of the allowance. Empty once none does: the newest figures have aged
     * past the max age (the last successful Redis contact is that old), or every agent cached has spent its
     * allowance. Then the replica cannot serve a single call and must leave its load balancer.
     */
    public Optional<String> serving() {
        Instant now = clock.instant();
        long agents = cache.values().stream().filter(entry -> left(entry, now).filter(left -> left.signum() > 0).isPresent()).count();
        return agents == 0 ? Optional.empty()
                : Optional.of("degraded mode serving " + agents + " agent(s) from budgets cached up to " + maxAge.toSeconds() + " s ago");
    }

    /** What {@code entry}'s agent may still spend in degraded mode at {@code now}; empty once its figures are too old. */
    private Optional<BigDecimal> left(Entry entry, Instant now) {
        boolean fresh = !entry.at().plus(maxAge).isBefore(now);
        if (!fresh || !entry.currency().equals(allowance.currency().code())) {
            return Optional.empty();
        }
        return Optional.of(entry.remaining().min(allowance.amount()).subtract(entry.spent()));
    }

    /** A degraded call settled above (or below) its estimate: the difference counts against the allowance too. */
    public void charged(UUID agentId, BigDecimal actualMinusEstimate) {
        cache.computeIfPresent(agentId, (id, entry) ->
                new Entry(entry.remaining(), entry.currency(), entry.at(), entry.spent().add(actualMinusEstimate)));
    }
}
