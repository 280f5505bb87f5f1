package io.caracal.core.budget;

import io.caracal.core.money.Nanos;
import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.error.ConflictException;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.error.StorageUnavailableException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.agent.AgentLookup;
import io.caracal.core.policy.PolicyScopes;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.pricing.Prices;
import io.caracal.core.event.OutboxEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Decides whether an agent may spend, and keeps the books while it does: holds an estimate on every budget
 * that applies (the agent's own policies and every ancestor's) in one atomic step or on none, settles to the
 * actual cost, voids, and lets abandoned holds expire. PostgreSQL is written first and is the source of
 * truth (every settlement commits there with its metering event, for Kafka); Redis enforces atomically across replicas and is rebuilt from PostgreSQL when it lost a budget (and
 * at least every {@link BudgetCounters#READY_TTL}). Every failure to reach either store denies.
 */
public final class BudgetEngine {
    public static final Duration DEFAULT_HOLD_TTL = Duration.ofSeconds(300);
    public static final Duration MAX_HOLD_TTL = Duration.ofSeconds(3600);
    /** A budget lost from Redis is rebuilt, then the step is tried again; more than this many losses in a row is an outage. */
    private static final int ATTEMPTS = 4;
    private static final Logger LOG = LoggerFactory.getLogger(BudgetEngine.class);

    private final AgentLookup agents;
    private final PolicyScopes policies;
    private final Prices prices;
    private final HoldStore holds;
    private final HoldWrites writes;
    private final BudgetCounters counters;
    private final StaleBudgets stale = new StaleBudgets();
    private final Rebuilds rebuilds = new Rebuilds();
    private final Clock clock;

    /** Writes each hold, settlement and close straight to {@code holds}, one at a time: for the admin CLI and consumers. */
    public BudgetEngine(AgentLookup agents, PolicyScopes policies, Prices prices, HoldStore holds, BudgetCounters counters, Clock clock) {
        this(agents, policies, prices, holds, holds, counters, clock);
    }

    /** Reads holds from {@code holds} and writes them through {@code writes} (the gateway's group commit). */
    public BudgetEngine(AgentLookup agents, PolicyScopes policies, Prices prices, HoldStore holds, HoldWrites writes, BudgetCounters counters,
                        Clock clock) {
        this.agents = agents;
        this.policies = policies;
        this.prices = prices;
        this.holds = holds;
        this.writes = writes;
        this.counters = counters;
        this.clock = clock;
        writes.whenReplayed(this::journalReplayed);
    }

    /**
     * The decision and, when allowed, the hold to settle or void later. For a call's hold, {@code decisionEvent} is
     * the decision as an event, recorded by the write that settles or voids the hold (null otherwise).
     */
    public record HoldResult(Hold hold, BudgetDecision decision, OutboxEvent decisionEvent) {
        public boolean allowed() {
            return decision.allowed();
        }

        public UUID holdId() {
            return hold == null ? null : hold.id();
        }

        public Instant expiresAt() {
            return hold == null ? null : hold.expiresAt();
        }
    }

    /**
     * Holds {@code estimate} for {@code ttl} (default 300 s, at most 3600 s). With no estimate (null) nothing is
     * held and every budget must merely have something left; an estimate of zero is allowed while nothing
     * is over its limit.
     */
    public HoldResult hold(UUID agentId, Money estimate, Duration ttl) {
        return hold(agents.get(agentId), estimate, ttl, null, Optional.empty());
    }

    /**
     * As {@link #hold(UUID, Money, Duration)} for a call the gateway forwards once it is held, for an agent it has just
     * authenticated. The decision is recorded as an event with {@code metadata}: a refusal at once, an allowed call's
     * when it is settled or voided. A hold nobody settles or voids before it expires (its replica died mid-call) is
     * charged at its amount, since the upstream may well have served the call. A call under a delegation token is also
     * held on the budget the token grants ({@code tokenBudget}), in the same atomic step as the agent's other budgets.
     */
    public HoldResult holdForCall(Agent agent, Money estimate, Duration ttl, Map<String, String> metadata, Optional<BudgetPolicy> tokenBudget) {
        return hold(agent, estimate, ttl, metadata, tokenBudget);
    }

    private HoldResult hold(Agent agent, Money estimate, Duration ttl, Map<String, String> call, Optional<BudgetPolicy> tokenBudget) {
        UUID agentId = agent.id();
        Duration lifetime = ttl == null ? DEFAULT_HOLD_TTL : ttl;
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_HOLD_TTL) > 0) {
            throw new InvalidInputException("hold TTL must be between 1 and " + MAX_HOLD_TTL.toSeconds() + " seconds, got " + lifetime.toSeconds());
        }
        Instant now = now();
        Plan plan = plan(agent, estimate, now, tokenBudget);
        if (plan.refusal != null) {
            if (call != null) {
                writes.record(BudgetEvents.decision(agentId, plan.refusal, now, call));
            }
            return new HoldResult(null, plan.refusal, null);
        }
        Hold hold = new Hold(UUID.randomUUID(), agentId, plan.amount, now, now.plus(lifetime), HoldState.OPEN, plan.lines);
        writes.open(hold, call == null ? null : requestId(call));
        BudgetCounters.Outcome outcome;
        try {
            outcome = withRebuild(plan.root, plan.lines,
                    () -> counters.hold(true, estimate != null, hold.id(), now, hold.expiresAt(), holdLines(plan.root, plan.lines, now)));
        } catch (RuntimeException e) {
            writes.close(hold.id(), HoldState.DENIED, now, null);
            throw e;
        }
        BudgetDecision decision = decision(plan, outcome);
        OutboxEvent event = call == null ? null : BudgetEvents.decision(agentId, decision, now, call);
        if (outcome.status() == BudgetCounters.Status.DENIED) {
            writes.close(hold.id(), HoldState.DENIED, now, event);
            // A rebuild between the check and the line above would have loaded the still-open hold from
            // PostgreSQL; take it off again so a refused hold never counts.
            release(hold);
            return new HoldResult(null, decision, null);
        }
        return new HoldResult(hold, decision, event);
    }

    /**
     * A call's hold the gateway's degraded mode allowed while Redis is unreachable, recorded without the limit check:
     * the allowance bounds it. It counts in Redis once Redis is rebuilt from PostgreSQL, which this replica has Redis do
     * for the hold's budgets before it uses Redis again. While PostgreSQL is unreachable too, it waits in the writer's
     * journal (see {@link HoldWrites#openDegraded}).
     */
    public HoldResult holdUncheckedForCall(Agent agent, Money estimate, Duration ttl, Map<String, String> metadata,
                                           Optional<BudgetPolicy> tokenBudget) {
        return holdDegraded(agent, estimate, ttl, metadata, tokenBudget, false);
    }

    /**
     * A call's hold the gateway's degraded mode allowed while PostgreSQL is unreachable: kept in the writer's journal
     * until PostgreSQL is back, and counted in Redis with the limit check as usual when Redis can, so the cap across
     * replicas stays exact for what Redis sees (Redis refusing it refuses the call). When Redis cannot count it (it is
     * unreachable, or lost the budget and cannot rebuild it without PostgreSQL), it is allowed unchecked, bounded by the
     * allowance, and Redis rebuilds its budgets once the journal is in PostgreSQL ({@link #journalReplayed}).
     */
    public HoldResult holdDegradedForCall(Agent agent, Money estimate, Duration ttl, Map<String, String> metadata,
                                          Optional<BudgetPolicy> tokenBudget) {
        return holdDegraded(agent, estimate, ttl, metadata, tokenBudget, true);
    }

    private HoldResult holdDegraded(Agent agent, Money estimate, Duration ttl, Map<String, String> metadata,
                                    Optional<BudgetPolicy> tokenBudget, boolean countInRedis) {
        Instant now = now();
        Plan plan = plan(agent, estimate, now, tokenBudget);
        if (plan.refusal != null) {
            writes.record(BudgetEvents.decision(agent.id(), plan.refusal, now, metadata));
            return new HoldResult(null, plan.refusal, null);
        }
        Hold hold = new Hold(UUID.randomUUID(), agent.id(), plan.amount, now, now.plus(ttl == null ? DEFAULT_HOLD_TTL : ttl), HoldState.OPEN,
                plan.lines);
        writes.openDegraded(hold, requestId(metadata));
        BudgetDecision decision = new BudgetDecision(true, "allowed in degraded mode (a budget store is unreachable)", null, null, null, List.of());
        if (!countInRedis) {
            stale.mark(plan.root, plan.lines);
        } else {
            try {
                BudgetCounters.Outcome outcome = withRebuild(plan.root, plan.lines,
                        () -> counters.hold(true, estimate != null, hold.id(), now, hold.expiresAt(), holdLines(plan.root, plan.lines, now)));
                decision = decision(plan, outcome);
                if (outcome.status() == BudgetCounters.Status.DENIED) {
                    writes.close(hold.id(), HoldState.DENIED, now, BudgetEvents.decision(agent.id(), decision, now, metadata));
                    release(hold);
                    return new HoldResult(null, decision, null);
                }
            } catch (BudgetStoreUnavailableException e) {
                stale.mark(plan.root, plan.lines);
            } catch (StorageUnavailableException e) {
                // Redis lost a budget and cannot rebuild it without PostgreSQL: it counts the hold once it can.
            }
        }
        return new HoldResult(hold, decision, BudgetEvents.decision(agent.id(), decision, now, metadata));
    }

    /**
     * The writer replayed its journal into PostgreSQL: a Redis rebuild of these agents' budgets made before that (PostgreSQL
     * back, the journal not yet in it) missed the journaled spend, and Redis may not have counted all of it either, so
     * every budget of theirs is rebuilt before this replica uses it again, as after a Redis outage.
     */
    private void journalReplayed(Set<UUID> agentIds) {
        for (UUID agentId : agentIds) {
            try {
                PolicyStore.Scope scope = policies.scopeOf(agentId);
                stale.markPolicies(scope.root(), scope.all());
            } catch (RuntimeException e) {
                // Then the periodic rebuild (READY_TTL) is what brings the budget back in step.
                LOG.warn("budgets of agent {} not marked for a rebuild after the journal replay: {}", agentId, e.toString());
            }
        }
    }

    /** The decision a hold would get now, without holding anything. */
    public BudgetDecision check(UUID agentId, Money estimate) {
        Instant now = now();
        Plan plan = plan(agents.get(agentId), estimate, now, Optional.empty());
        if (plan.refusal != null) {
            return plan.refusal;
        }
        return decision(plan, withRebuild(plan.root, plan.lines,
                () -> counters.hold(false, estimate != null, UUID.randomUUID(), now, now.plusSeconds(1), holdLines(plan.root, plan.lines, now))));
    }

    /**
     * Settles a hold to its actual cost, below or above the estimate, and records the charge. Settling again
     * returns the first settlement; settling after the hold expired still records the spend.
     */
    public Settlement settle(UUID holdId, Money actual) {
        return settle(holdId, actual, Map.of());
    }

    /** As {@link #settle(UUID, Money)}, with {@code metadata} (request id, upstream, status...) on the metering event. */
    public Settlement settle(UUID holdId, Money actual, Map<String, String> metadata) {
        Instant now = now();
        // The hold is read, checked and settled in one transaction.
        Settlement settlement = holds.settle(holdId, UUID.randomUUID(), actual, now, hold -> charge(hold, actual, now),
                s -> BudgetEvents.metering(s, metadata));
        count(settlement, now);
        return settlement;
    }

    /**
     * As {@link #settle(UUID, Money, Map)} for a call's hold the caller placed: no need to read it back, so the charge,
     * its ledger row and events and the call's decision event are one write.
     */
    public Settlement settle(HoldResult held, Money actual, Map<String, String> metadata) {
        Hold hold = held.hold();
        Instant now = now();
        Settlement settlement = new Settlement(UUID.randomUUID(), hold.id(), hold.agentId(), actual, now, charge(hold, actual, now), false);
        if (!writes.settle(settlement, BudgetEvents.metering(settlement, metadata), held.decisionEvent())) {
            // Closed before this settle (an earlier attempt that did commit, a sweep that charged it at expiry): what was
            // recorded then stands, and that path says so.
            return settle(hold.id(), actual, metadata);
        }
        count(settlement, now);
        return settlement;
    }

    /**
     * Charges the forwarded calls' holds that expired open (their replica died mid-call) at their held amount, at
     * most {@code max} of them; returns how many. Safe on several replicas at once: a hold is settled only once.
     */
    public int chargeExpiredCalls(int max) {
        List<HoldStore.ExpiredCall> expired = holds.expiredCalls(now(), max);
        for (HoldStore.ExpiredCall call : expired) {
            settle(call.holdId(), call.amount(), Map.of("request_id", call.requestId(), "charged", "at expiry"));
        }
        return expired.size();
    }

    /**
     * Deletes up to {@code max} of the ledger's per-minute spend totals that no budget's window reaches any more (older
     * than {@link Buckets#REACH}); returns how many. The ledger keeps every charge: only what rebuilds sum is forgotten.
     */
    public int forgetOldSpendTotals(int max) {
        return holds.forgetSpendTotals(now().minus(Buckets.REACH), max);
    }

    private static String requestId(Map<String, String> call) {
        return java.util.Objects.requireNonNull(call.get("request_id"), "a call's metadata names its request_id");
    }

    /** What {@code actual} counts against each of the hold's budgets. */
    private List<BudgetLine> charge(Hold hold, Money actual, Instant now) {
        if (!actual.currency().equals(hold.estimate().currency())) {
            throw new InvalidInputException("hold " + hold.id() + " is in " + hold.estimate().currency() + ", not " + actual.currency());
        }
        List<BudgetLine> lines = new ArrayList<>();
        for (BudgetLine line : hold.lines()) {
            lines.add(line(line.policy(), actual, now).orElseThrow(() -> new ConflictException("no conversion from "
                    + actual.currency() + " to " + line.policy().limit().currency() + " in the pricebook")));
        }
        return lines;
    }

    /** Adds a recorded settlement to the Redis counters. */
    private void count(Settlement settlement, Instant now) {
        UUID holdId = settlement.holdId();
        if (settlement.alreadySettled() && settlement.occurredAt().isBefore(now.minus(BudgetCounters.CLOSED_RETENTION))) {
            // Redis no longer remembers closing this hold and would add it again; the periodic rebuild has long
            // since taken the charge from the ledger.
            return;
        }
        // Applied again on a repeated settle too: Redis recognises the hold and adds nothing, but a settle whose
        // first attempt never reached Redis is completed here.
        Map<UUID, List<BudgetLine>> trees = treesOf(settlement.agentId(), settlement.lines());
        try {
            trees.forEach((root, lines) -> {
                List<BudgetCounters.CloseLine> close = lines.stream().map(line -> {
                    Buckets.Bucket bucket = Buckets.bucketFor(line.policy(), settlement.occurredAt());
                    return new BudgetCounters.CloseLine(Buckets.counterKey(root, line.policy()), Nanos.of(line.amount()), bucket.id(), bucket.keep());
                }).toList();
                withRebuild(root, lines, () -> counters.close(true, holdId, now, close));
            });
        } catch (BudgetStoreUnavailableException e) {
            // Trees closed before the failure are marked too: rebuilding them needlessly costs less than telling them apart.
            trees.forEach(stale::mark);
            throw e;
        } catch (StorageUnavailableException e) {
            // Redis lost a budget and cannot rebuild it while PostgreSQL is unreachable; the charge is recorded (in the
            // writer's journal) and counts when the budget is rebuilt, at the latest after the journal's replay.
            throw new BudgetStoreUnavailableException("budget store (Redis) not updated: it cannot be rebuilt while the database is unreachable", e);
        }
    }

    /** Releases a hold without a charge (upstream error, timeout, client abort). Voiding twice is harmless. */
    public void voidHold(UUID holdId) {
        Hold hold = holds.get(holdId);
        if (hold.state() == HoldState.DENIED) {
            return;
        }
        if (hold.state() == HoldState.SETTLED || !holds.close(holdId, HoldState.VOIDED, now(), null)) {
            // Either it was settled, or a settle committed between the read above and the close: then the
            // charge stands and Redis must not be told the hold closed without one.
            if (holds.get(holdId).state() == HoldState.SETTLED) {
                throw new ConflictException("hold " + holdId + " is already settled");
            }
        }
        release(hold);
    }

    /** As {@link #voidHold(UUID)} for a call's hold the caller placed: the void and the call's decision event are one write. */
    public void voidHold(HoldResult held) {
        if (writes.close(held.holdId(), HoldState.VOIDED, now(), held.decisionEvent())) {
            release(held.hold());
        } else {
            voidHold(held.holdId());
        }
    }

    /** Takes a hold off every budget in Redis without a charge; harmless when it is not there. */
    private void release(Hold hold) {
        Instant now = now();
        treesOf(hold.agentId(), hold.lines()).forEach((root, lines) -> {
            List<BudgetCounters.CloseLine> close = lines.stream()
                    .map(line -> new BudgetCounters.CloseLine(Buckets.counterKey(root, line.policy()), "0", "void", Duration.ZERO)).toList();
            withRebuild(root, lines, () -> counters.close(false, hold.id(), now, close));
        });
    }

    /**
     * A hold's budgets by the delegation tree whose root keys each in Redis now (see {@link Buckets#counterKey}), for
     * one close per tree: a Redis Cluster keeps each tree in a slot of its own. That is the agent's tree for all of
     * them, unless the agent was moved to another parent while the hold was open. Then its own budgets count under the
     * new root (rebuilt there from PostgreSQL, the open hold included), while the budgets of agents no longer above it
     * stay in their owners' trees, where the hold was placed; closing all under either root would leave the hold held
     * and its charge missing on the others until it expires and the budgets are next rebuilt.
     */
    private Map<UUID, List<BudgetLine>> treesOf(UUID agentId, List<BudgetLine> lines) {
        PolicyStore.Scope scope = policies.scopeOf(agentId);
        Set<UUID> inTree = new HashSet<>();
        inTree.add(agentId);
        scope.all().forEach(policy -> inTree.add(policy.agentId()));
        Map<UUID, List<BudgetLine>> trees = new LinkedHashMap<>();
        for (BudgetLine line : lines) {
            UUID owner = line.policy().agentId();
            UUID root = inTree.contains(owner) ? scope.root() : policies.scopeOf(owner).root();
            trees.computeIfAbsent(root, r -> new ArrayList<>()).add(line);
        }
        return trees;
    }

    /** What a request would hold on each budget, or why it is refused before any budget is read. */
    private record Plan(Money amount, List<BudgetLine> lines, BudgetDecision refusal, UUID root) {
    }

    /** A token's budget stands in for the agent's own policies when it has none: the token is then its budget. */
    private Plan plan(Agent agent, Money estimate, Instant now, Optional<BudgetPolicy> tokenBudget) {
        UUID agentId = agent.id();
        if (agent.status() != AgentStatus.ACTIVE) {
            return refused("agent " + agentId + " is " + agent.status().label());
        }
        PolicyStore.Scope scope = policies.scopeOf(agentId);
        List<BudgetPolicy> budgets = new ArrayList<>(scope.all());
        tokenBudget.ifPresent(budgets::add);
        if (scope.own().isEmpty() && tokenBudget.isEmpty()) {
            return refused("no active policy for agent " + agentId);
        }
        // With no estimate nothing is held; the currency only labels the (zero) hold.
        Money amount = estimate != null ? estimate : new Money(BigDecimal.ZERO, budgets.get(0).limit().currency());
        List<BudgetLine> lines = new ArrayList<>();
        for (BudgetPolicy policy : budgets) {
            Optional<BudgetLine> line = line(policy, amount, now);
            if (line.isEmpty()) {
                return refused("no conversion from " + amount.currency() + " to " + policy.limit().currency() + " in the pricebook (fx:"
                        + amount.currency() + ":" + policy.limit().currency() + "), required by policy " + policy.id());
            }
            lines.add(line.get());
        }
        return new Plan(amount, lines, null, scope.root());
    }

    private static Plan refused(String reason) {
        return new Plan(null, List.of(), BudgetDecision.denied(reason), null);
    }

    /**
     * What {@code amount} counts against {@code policy}: itself in the policy's currency, otherwise converted
     * at the pricebook's rate and rounded up (a budget never counts less than was spent); empty when the
     * pricebook has no rate. Amounts beyond the engine's exact range are refused before anything is stored.
     */
    private Optional<BudgetLine> line(BudgetPolicy policy, Money amount, Instant at) {
        CurrencyCode to = policy.limit().currency();
        Optional<BigDecimal> converted = amount.currency().equals(to) || amount.isZero()
                ? Optional.of(amount.amount())
                : prices.rate(amount.currency(), to, at).map(rate -> amount.amount().multiply(rate).setScale(Money.SCALE, RoundingMode.CEILING));
        converted.ifPresent(Nanos::of);
        return converted.map(value -> new BudgetLine(policy, value));
    }

    private static List<BudgetCounters.HoldLine> holdLines(UUID root, List<BudgetLine> lines, Instant now) {
        return lines.stream().map(line -> new BudgetCounters.HoldLine(Buckets.counterKey(root, line.policy()), Nanos.of(line.policy().limit()),
                Nanos.of(line.amount()), Buckets.window(line.policy(), now).stream().map(Buckets.Bucket::id).toList())).toList();
    }

    private BudgetDecision decision(Plan plan, BudgetCounters.Outcome outcome) {
        List<BudgetFigures> figures = new ArrayList<>();
        for (int i = 0; i < plan.lines.size(); i++) {
            BudgetPolicy policy = plan.lines.get(i).policy();
            String[] f = outcome.figures().get(i);
            figures.add(new BudgetFigures(policy.id(), policy.agentId(), policy.limit().currency().code(), policy.limit().amount(),
                    Nanos.toAmount(f[0]), Nanos.toAmount(f[1])));
        }
        boolean allowed = outcome.status() != BudgetCounters.Status.DENIED;
        // Remaining after this request when allowed, what was available when denied; the smallest across the
        // budgets in the request's currency (amounts in different currencies do not compare), else across all.
        String currency = plan.amount.currency().code();
        boolean anyInCurrency = figures.stream().anyMatch(f -> f.currency().equals(currency));
        BigDecimal remaining = null;
        String remainingCurrency = null;
        for (int i = 0; i < figures.size(); i++) {
            if (anyInCurrency && !figures.get(i).currency().equals(currency)) {
                continue;
            }
            BigDecimal left = figures.get(i).available().subtract(allowed ? plan.lines.get(i).amount() : BigDecimal.ZERO);
            if (remaining == null || left.compareTo(remaining) < 0) {
                remaining = left;
                remainingCurrency = figures.get(i).currency();
            }
        }
        remaining = remaining.max(BigDecimal.ZERO).setScale(Money.SCALE, RoundingMode.UNNECESSARY);
        if (allowed) {
            return new BudgetDecision(true, "within budget (" + figures.size() + " polic" + (figures.size() == 1 ? "y" : "ies") + ")",
                    remaining, remainingCurrency, null, figures);
        }
        BudgetFigures failing = figures.get(outcome.failingLine() - 1);
        BigDecimal needed = plan.lines.get(outcome.failingLine() - 1).amount();
        return new BudgetDecision(false, "budget exceeded: policy " + failing.policyId() + " has "
                + failing.available().max(BigDecimal.ZERO).stripTrailingZeros().toPlainString() + " " + failing.currency() + " available"
                + (needed.signum() > 0 ? ", " + needed.stripTrailingZeros().toPlainString() + " needed" : ""),
                remaining, remainingCurrency, failing.policyId(), figures);
    }

    /**
     * Makes Redis rebuild, from PostgreSQL, every budget this replica changed there while Redis could not be told;
     * the gateway calls it periodically, so it happens soon after Redis is back even when no request comes. Throws
     * {@link BudgetStoreUnavailableException} while Redis is still unreachable.
     */
    public void invalidateStaleBudgets() {
        stale.invalidate(counters);
    }

    /**
     * Runs a step on Redis, first rebuilding from PostgreSQL every budget it reports lost. Requests that find the same
     * budget lost at once share one rebuild of it (see {@link Rebuilds}), then each tries its step again.
     */
    private BudgetCounters.Outcome withRebuild(UUID root, List<BudgetLine> lines, Supplier<BudgetCounters.Outcome> step) {
        // Never serve from Redis while it may still lack what this replica recorded without it.
        stale.invalidate(counters);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long ticket = rebuilds.ticket();
            BudgetCounters.Outcome outcome = step.get();
            if (outcome.status() != BudgetCounters.Status.NOT_READY) {
                return outcome;
            }
            for (String missing : outcome.notReady()) {
                BudgetPolicy policy = lines.stream().map(BudgetLine::policy).filter(p -> Buckets.counterKey(root, p).equals(missing))
                        .findFirst().orElseThrow();
                rebuilds.run(missing, ticket, () -> counters.load(missing, () -> holds.rebuildState(policy, now())));
            }
        }
        throw new BudgetStoreUnavailableException("budget store (Redis) keeps losing its state; refusing to enforce from it", null);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
