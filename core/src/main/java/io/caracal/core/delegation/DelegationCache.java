package io.caracal.core.delegation;

import io.caracal.core.policy.BudgetPolicy;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.store.ChangeCache;
import io.caracal.core.store.ChangeFeed;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What the gateway reads to honour delegation tokens, from memory (see {@link ChangeCache}): agents' public keys,
 * revocations (a revocation reaches every replica as soon as its notice does) and the budget each token grants.
 * A jti that is not revoked is cached as such: jtis are read only from tokens whose signature verified, so they are
 * bounded by the tokens agents' keys signed, as the cache's other keys are by their tables.
 */
public final class DelegationCache implements DelegationKeys, Revocations {
    private final ChangeCache<String, DelegationKey> keys;
    private final ChangeCache<UUID, Boolean> revoked;
    private final ChangeCache<DelegationClaims, BudgetPolicy> budgets;

    public DelegationCache(DelegationKeyStore keyStore, RevocationStore revocations, PolicyStore policies, ChangeFeed feed, Duration ttl,
                           Clock clock) {
        this.keys = new ChangeCache<>(feed, Set.of("delegation_keys"), ttl, clock, keyStore::find);
        this.revoked = new ChangeCache<>(feed, Set.of("revoked_delegation_tokens"), ttl, clock, jti -> Optional.of(revocations.isRevoked(jti)));
        this.budgets = new ChangeCache<>(feed, Set.of("budget_policies"), ttl, clock,
                claims -> Optional.of(policies.tokenBudget(claims.jti(), claims.childId(), claims.parentId(), claims.spendingLimit())));
    }

    @Override
    public Optional<DelegationKey> find(String keyId) {
        return keys.find(keyId);
    }

    @Override
    public boolean isRevoked(UUID jti) {
        return revoked.find(jti).orElseThrow();
    }

    /** The budget a verified token grants its child; the first call presenting the token creates it. */
    public BudgetPolicy budgetOf(DelegationClaims claims) {
        return budgets.find(claims).orElseThrow();
    }
}
