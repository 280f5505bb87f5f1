package io.caracal.core.delegation;

import io.caracal.core.agent.AgentLookup;
import io.caracal.core.policy.BudgetPolicy;

import java.time.Clock;
import java.util.UUID;

/**
 * Delegation tokens as the gateway honours them: a token presented by {@code caller} grants it the budget the token
 * names, if {@link DelegationVerifier} accepts it for that caller and it allows the operation. Reads only the caches.
 */
public final class DelegationGrants {
    private final DelegationVerifier verifier;
    private final DelegationCache cache;

    public DelegationGrants(DelegationCache cache, AgentLookup agents, Clock clock) {
        this.verifier = new DelegationVerifier(cache, cache, agents, clock);
        this.cache = cache;
    }

    /** A verified token's claims and the budget it grants; an {@link InvalidDelegationTokenException} says why not. */
    public record Grant(DelegationClaims claims, BudgetPolicy budget) {
    }

    public Grant grant(UUID caller, String token, String operation) {
        DelegationClaims claims = verifier.verifyFor(caller, token);
        if (!claims.allowedOperations().contains(operation)) {
            throw new InvalidDelegationTokenException("delegation token " + claims.jti() + " does not allow " + operation
                    + " (it allows " + String.join(", ", claims.allowedOperations()) + ")");
        }
        return new Grant(claims, cache.budgetOf(claims));
    }
}
