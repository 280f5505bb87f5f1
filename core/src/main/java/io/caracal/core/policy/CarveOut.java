package io.caracal.core.policy;

import io.caracal.core.agent.Agent;
import io.caracal.core.error.ConflictException;
import io.caracal.core.error.InvalidInputException;

import java.util.List;
import java.util.UUID;

/**
 * Rules for a policy carved out of a parent's budget: only the direct parent can delegate, and it cannot
 * hand out more than its own policy for the same window and currency allows.
 */
public final class CarveOut {
    private CarveOut() {
    }

    public static void check(Agent child, UUID delegatedFrom, PolicyTerms terms, List<BudgetPolicy> parentPolicies) {
        if (delegatedFrom == null) {
            return;
        }
        if (child.parentId() == null || !child.parentId().equals(delegatedFrom)) {
            throw new InvalidInputException("only the direct parent can delegate: agent " + child.id()
                    + (child.parentId() == null ? " has no parent" : " has parent " + child.parentId()));
        }
        List<BudgetPolicy> matching = parentPolicies.stream()
                .filter(BudgetPolicy::active)
                .filter(p -> p.timeWindow() == terms.timeWindow())
                .filter(p -> p.limit().currency().equals(terms.limit().currency()))
                .toList();
        if (matching.isEmpty()) {
            throw new ConflictException("parent " + delegatedFrom + " has no active " + terms.timeWindow().label()
                    + " " + terms.limit().currency() + " policy to delegate from");
        }
        for (BudgetPolicy parent : matching) {
            if (terms.limit().isGreaterThan(parent.limit())) {
                throw new ConflictException("delegated limit " + terms.limit() + " exceeds the parent's "
                        + terms.timeWindow().label() + " limit of " + parent.limit() + " (policy " + parent.id() + ")");
            }
        }
    }
}
