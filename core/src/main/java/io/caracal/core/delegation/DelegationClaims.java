package io.caracal.core.delegation;

import io.caracal.core.money.Money;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a delegation token grants: the parent ({@code iss}) lets its child ({@code sub}) spend up to
 * {@code spendingLimit} per day on the listed operations until {@code expiresAt}. Claim names follow v0.3
 * ("ASE"): iss, sub, aud, exp, iat, jti, spendingLimit, currency, allowedOperations, maxDelegationDepth.
 */
public record DelegationClaims(UUID parentId, UUID childId, Instant issuedAt, Instant expiresAt, UUID jti, Money spendingLimit,
                               List<String> allowedOperations, int maxDelegationDepth) {
    public static final String AUDIENCE = "caracal-core";

    public DelegationClaims {
        allowedOperations = List.copyOf(allowedOperations);
    }
}
