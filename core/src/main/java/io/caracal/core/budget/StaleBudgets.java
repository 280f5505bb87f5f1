package io.caracal.core.budget;

import io.caracal.core.policy.BudgetPolicy;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The budgets whose PostgreSQL figures moved while this replica could not tell Redis (a degraded-mode hold, a
 * settlement whose Redis step failed). Redis can come back still holding its old figures for them, ready
 * marker and all: it kept its data, or only this replica lost its connection. It would then go on enforcing
 * without that spend until the periodic rebuild, and the agent could spend it again on every replica. So the
 * replica drops their ready markers in Redis before it uses Redis again: whichever replica next uses such a
 * budget rebuilds it from PostgreSQL, which already has the spend because it is written first. No other
 * replica needs to know about the outage: each invalidates only what it changed itself. The marks live in
 * memory only; a replica that stops before Redis is back leaves its budgets to the periodic rebuild
 * ({@link BudgetCounters#READY_TTL}).
 */
final class StaleBudgets {
    /** Budget key → the mark that put it here; a budget marked again while it is being invalidated stays marked. */
    private final Map<String, Object> marks = new ConcurrentHashMap<>();

    void mark(UUID root, List<BudgetLine> lines) {
        markPolicies(root, lines.stream().map(BudgetLine::policy).toList());
    }

    void markPolicies(UUID root, List<BudgetPolicy> policies) {
        policies.forEach(policy -> marks.put(Buckets.counterKey(root, policy), new Object()));
    }

    /**
     * Has Redis rebuild every marked budget on its next use. A budget leaves the set only once Redis has
     * confirmed, so a caller that finds the set empty can trust Redis; when Redis is still unreachable this
     * throws {@link BudgetStoreUnavailableException} and the marks stay.
     */
    void invalidate(BudgetCounters counters) {
        if (marks.isEmpty()) {
            return;
        }
        Map<String, Object> pending = Map.copyOf(marks);
        counters.invalidate(pending.keySet());
        pending.forEach(marks::remove);
    }
}
