package io.caracal.core.budget;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.error.ConflictException;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.store.AgentStore;
import io.caracal.core.store.HoldStore;
import io.caracal.core.store.PolicyStore;
import io.caracal.core.store.PricebookStore;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Decides whether an agent may spend, and keeps the books while it does: holds an estimate on every budget
 * that applies (the agent's own policies and every ancestor's) in one atomic step or on none, settles to the
 * actual cost, voids, and lets abandoned holds expire. PostgreSQL is written first and is the source of
 * truth; Redis enforces atomically across replicas and is rebuilt from PostgreSQL when it lost a budget.
 * Every failure to reach either store denies.
 */
public final class BudgetEngine {
    public static final Duration DEFAULT_HOLD_TTL = Duration.ofSeconds(300);
    public static final Duration MAX_HOLD_TTL = Duration.ofSeconds(3600);
    /** A budget lost from Redis is rebuilt, then the step is tried again; more than this many losses in a row is an outage. */
    private static final int ATTEMPTS = 4;

    private final AgentStore agents;
    private final PolicyStore policies;
    private final PricebookStore prices;
    private final HoldStore holds;
    private final BudgetCounters counters;
    private final Clock clock;

    public BudgetEngine(AgentStore agents, PolicyStore policies, PricebookStore prices, HoldStore holds, BudgetCounters counters, Clock clock) {
        this.agents = agents;
        this.policies = policies;
        this.prices = prices;
        this.holds = holds;
        this.counters = counters;
        this.clock = clock;
    }

    /** The decision and, when allowed, the hold to settle or void later. */
    public record HoldResult(UUID holdId, Instant expiresAt, BudgetDecision decision) {
        public boolean allowed() {
            return decision.allowed();
        }
    }

    /**
     * Holds {@code estimate} (or nothing, when null: then every budget must merely have something left) for
     * {@code ttl} (default 300 s, at most 3600 s).
     */
    public HoldResult hold(UUID agentId, Money estimate, Duration ttl) {
        Duration lifetime = ttl == null ? DEFAULT_HOLD_TTL : ttl;
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_HOLD_TTL) > 0) {
            throw new InvalidInputException("hold TTL must be between 1 and " + MAX_HOLD_TTL.toSeconds() + " seconds, got " + lifetime.toSeconds());
        }
        Instant now = now();
        Plan plan = plan(agentId, estimate, now);
        if (plan.refusal != null) {
            return new HoldResult(null, null, plan.refusal);
        }
        Hold hold = new Hold(UUID.randomUUID(), agentId, plan.amount, now, now.plus(lifetime), HoldState.OPEN, null, plan.lines);
        holds.insertOpen(hold);
        BudgetCounters.Outcome outcome;
        try {
            outcome = withRebuild(plan.lines, () -> counters.hold(true, hold.id(), now, hold.expiresAt(), holdLines(plan.lines, now)));
        } catch (RuntimeException e) {
            holds.close(hold.id(), HoldState.DENIED, now);
            throw e;
        }
        if (outcome.status() == BudgetCounters.Status.DENIED) {
            holds.close(hold.id(), HoldState.DENIED, now);
            // A rebuild between the check and the line above would have loaded the still-open hold from
            // PostgreSQL; take it off again so a refused hold never counts.
            release(hold);
            return new HoldResult(null, null, decision(plan, outcome));
        }
        return new HoldResult(hold.id(), hold.expiresAt(), decision(plan, outcome));
    }

    /** The decision a hold would get now, without holding anything. */
    public BudgetDecision check(UUID agentId, Money estimate) {
        Instant now = now();
        Plan plan = plan(agentId, estimate, now);
        if (plan.refusal != null) {
            return plan.refusal;
        }
        return decision(plan, withRebuild(plan.lines,
                () -> counters.hold(false, UUID.randomUUID(), now, now.plusSeconds(1), holdLines(plan.lines, now))));
    }

    /**
     * Settles a hold to its actual cost, below or above the estimate, and records the charge. Settling twice
     * returns the first settlement; settling after the hold expired still records the spend.
     */
    public Settlement settle(UUID holdId, Money actual) {
        Hold hold = holds.get(holdId);
        if (!actual.currency().equals(hold.estimate().currency())) {
            throw new InvalidInputException("hold " + holdId + " is in " + hold.estimate().currency() + ", not " + actual.currency());
        }
        Instant now = now();
        List<BudgetLine> lines = new ArrayList<>();
        for (BudgetLine line : hold.lines()) {
            BigDecimal amount = convert(actual, line.policy().limit().currency(), now)
                    .orElseThrow(() -> new ConflictException("no conversion from " + actual.currency() + " to "
                            + line.policy().limit().currency() + " in the pricebook"));
            Nanos.of(amount); // refuses a charge beyond the engine's bound before anything is recorded
            lines.add(new BudgetLine(line.policy(), amount));
        }
        Settlement settlement = holds.settle(holdId, UUID.randomUUID(), actual, now, lines);
        // Applied again on a repeated settle too: Redis recognises the hold and adds nothing, but a settle whose
        // first attempt never reached Redis is completed here.
        List<BudgetCounters.CloseLine> close = settlement.lines().stream().map(line -> {
            Buckets.Bucket bucket = Buckets.bucketFor(line.policy(), settlement.occurredAt());
            return new BudgetCounters.CloseLine(line.policy().id(), Nanos.of(line.amount()), bucket.id(), bucket.keep());
        }).toList();
        Instant closedAt = now();
        withRebuild(settlement.lines(), () -> counters.close(true, holdId, closedAt, close));
        return settlement;
    }

    /** Releases a hold without a charge (upstream error, timeout, client abort). Voiding twice is harmless. */
    public void voidHold(UUID holdId) {
        Hold hold = holds.get(holdId);
        if (hold.state() == HoldState.SETTLED) {
            throw new ConflictException("hold " + holdId + " is already settled");
        }
        holds.close(holdId, HoldState.VOIDED, now());
        if (hold.state() != HoldState.DENIED) {
            release(hold);
        }
    }

    /** Takes a hold off every budget in Redis without a charge; harmless when it is not there. */
    private void release(Hold hold) {
        Instant now = now();
        List<BudgetCounters.CloseLine> close = hold.lines().stream()
                .map(line -> new BudgetCounters.CloseLine(line.policy().id(), "0", "void", Duration.ZERO)).toList();
        withRebuild(hold.lines(), () -> counters.close(false, hold.id(), now, close));
    }

    /** What a request would hold on each budget, or why it is refused before any budget is read. */
    private record Plan(Money amount, List<BudgetLine> lines, BudgetDecision refusal) {
    }

    private Plan plan(UUID agentId, Money estimate, Instant now) {
        Agent agent = agents.get(agentId);
        if (agent.status() != AgentStatus.ACTIVE) {
            return refused("agent " + agentId + " is " + agent.status().label());
        }
        PolicyStore.Scope scope = policies.scopeOf(agentId);
        if (scope.own().isEmpty()) {
            return refused("no active policy for agent " + agentId);
        }
        // With no estimate nothing is held; the currency only labels the (zero) hold.
        Money amount = estimate != null ? estimate : new Money(BigDecimal.ZERO, scope.own().get(0).limit().currency());
        List<BudgetLine> lines = new ArrayList<>();
        for (BudgetPolicy policy : scope.all()) {
            CurrencyCode currency = policy.limit().currency();
            Optional<BigDecimal> converted = convert(amount, currency, now);
            if (converted.isEmpty()) {
                return refused("no conversion from " + amount.currency() + " to " + currency + " in the pricebook (fx:"
                        + amount.currency() + ":" + currency + "), required by policy " + policy.id());
            }
            Nanos.of(converted.get()); // refuses amounts beyond the engine's bound before anything is stored
            lines.add(new BudgetLine(policy, converted.get()));
        }
        return new Plan(amount, lines, null);
    }

    private static Plan refused(String reason) {
        return new Plan(null, List.of(), BudgetDecision.denied(reason));
    }

    /** Converted amounts are rounded up: a budget must never count less than was spent. */
    private Optional<BigDecimal> convert(Money amount, CurrencyCode to, Instant at) {
        if (amount.currency().equals(to) || amount.isZero()) {
            return Optional.of(amount.amount());
        }
        return prices.rate(amount.currency(), to, at).map(rate -> amount.amount().multiply(rate).setScale(Money.SCALE, RoundingMode.CEILING));
    }

    private static List<BudgetCounters.HoldLine> holdLines(List<BudgetLine> lines, Instant now) {
        return lines.stream().map(line -> new BudgetCounters.HoldLine(line.policy().id(), Nanos.of(line.policy().limit()),
                Nanos.of(line.amount()), Buckets.window(line.policy(), now).stream().map(Buckets.Bucket::id).toList())).toList();
    }

    private BudgetDecision decision(Plan plan, BudgetCounters.Outcome outcome) {
        List<BudgetFigures> figures = new ArrayList<>();
        for (int i = 0; i < plan.lines.size(); i++) {
            BudgetPolicy policy = plan.lines.get(i).policy();
            String[] f = outcome.figures().isEmpty() ? new String[] {"0", "0"} : outcome.figures().get(i);
            figures.add(new BudgetFigures(policy.id(), policy.agentId(), policy.limit().currency().code(), policy.limit().amount(),
                    Nanos.toAmount(f[0]), Nanos.toAmount(f[1])));
        }
        boolean allowed = outcome.status() != BudgetCounters.Status.DENIED;
        // Remaining after this request when allowed; what was available when denied.
        int tightest = 0;
        BigDecimal remaining = null;
        for (int i = 0; i < figures.size(); i++) {
            BigDecimal left = figures.get(i).available().subtract(allowed ? plan.lines.get(i).amount() : BigDecimal.ZERO);
            if (remaining == null || left.compareTo(remaining) < 0) {
                remaining = left;
                tightest = i;
            }
        }
        remaining = remaining.max(BigDecimal.ZERO).setScale(Money.SCALE, RoundingMode.UNNECESSARY);
        String currency = figures.get(tightest).currency();
        if (allowed) {
            return new BudgetDecision(true, "within budget (" + figures.size() + " polic" + (figures.size() == 1 ? "y" : "ies") + ")",
                    remaining, currency, null, figures);
        }
        BudgetFigures failing = figures.get(outcome.failingLine() - 1);
        BigDecimal needed = plan.lines.get(outcome.failingLine() - 1).amount();
        return new BudgetDecision(false, "budget exceeded: policy " + failing.policyId() + " has "
                + failing.available().max(BigDecimal.ZERO).stripTrailingZeros().toPlainString() + " " + failing.currency() + " available"
                + (needed.signum() > 0 ? ", " + needed.stripTrailingZeros().toPlainString() + " needed" : ""),
                remaining, currency, failing.policyId(), figures);
    }

    private BudgetCounters.Outcome withRebuild(List<BudgetLine> lines, Supplier<BudgetCounters.Outcome> step) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            BudgetCounters.Outcome outcome = step.get();
            if (outcome.status() != BudgetCounters.Status.NOT_READY) {
                return outcome;
            }
            Instant now = now();
            for (UUID missing : outcome.notReady()) {
                BudgetPolicy policy = lines.stream().map(BudgetLine::policy).filter(p -> p.id().equals(missing)).findFirst().orElseThrow();
                counters.load(missing, holds.rebuildState(policy, now));
            }
        }
        throw new BudgetStoreUnavailableException("budget store (Redis) keeps losing its state; refusing to enforce from it", null);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

}
