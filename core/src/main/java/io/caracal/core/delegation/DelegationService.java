package io.caracal.core.delegation;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.error.ConflictException;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.money.Money;
import io.caracal.core.policy.CarveOut;
import io.caracal.core.policy.PolicyTerms;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.policy.PolicyStore;

import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Issues, validates and revokes delegation tokens. Tokens are signed with the deployment's delegation key
 * (no agent holds a private key); older public keys stay accepted after a rotation. A token is honoured only
 * while its child is active, still the child of its issuer, and its jti is not revoked.
 */
public final class DelegationService {
    public static final Duration DEFAULT_LIFETIME = Duration.ofDays(1);
    public static final Duration MAX_LIFETIME = Duration.ofDays(30);
    public static final List<String> DEFAULT_OPERATIONS = List.of("api_call", "mcp_tool");

    private final AgentStore agents;
    private final PolicyStore policies;
    private final RevocationStore revocations;
    private final PemKeys.SigningKey signingKey;
    private final Map<String, ECPublicKey> verificationKeys;
    private final Clock clock;

    public DelegationService(AgentStore agents, PolicyStore policies, RevocationStore revocations, PemKeys.SigningKey signingKey,
                             Map<String, ECPublicKey> previousKeys, Clock clock) {
        this.agents = agents;
        this.policies = policies;
        this.revocations = revocations;
        this.signingKey = signingKey;
        this.verificationKeys = new java.util.HashMap<>(previousKeys);
        this.verificationKeys.put(signingKey.keyId(), signingKey.publicKey());
        this.clock = clock;
    }

    public record Issued(String token, DelegationClaims claims) {
    }

    /**
     * A token letting {@code childId} spend up to {@code dailyLimit} per day of its parent's budget. The limit
     * obeys the same rule as a delegated policy: it cannot exceed the parent's own daily limit in that currency.
     */
    public Issued issue(UUID parentId, UUID childId, Money dailyLimit, Duration lifetime, List<String> operations, int maxDepth) {
        Duration ttl = lifetime == null ? DEFAULT_LIFETIME : lifetime;
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_LIFETIME) > 0) {
            throw new InvalidInputException("token lifetime must be between 1 second and " + MAX_LIFETIME.toDays() + " days");
        }
        if (maxDepth < 1 || maxDepth > 10) {
            throw new InvalidInputException("max delegation depth must be between 1 and 10");
        }
        List<String> ops = operations == null || operations.isEmpty() ? DEFAULT_OPERATIONS : operations;
        if (ops.stream().anyMatch(o -> !o.matches("[a-z][a-z0-9_]{0,63}"))) {
            throw new InvalidInputException("operations are lower-case names such as api_call or mcp_tool");
        }
        Agent child = agents.get(childId);
        Agent parent = agents.get(parentId);
        if (parent.status() != AgentStatus.ACTIVE) {
            throw new ConflictException("agent " + parentId + " is " + parent.status().label() + " and cannot delegate");
        }
        CarveOut.check(child, parentId, new PolicyTerms(dailyLimit, TimeWindow.DAILY, WindowType.CALENDAR, null),
                policies.list(java.util.Optional.of(parentId), false));
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        DelegationClaims claims = new DelegationClaims(parentId, childId, now, now.plus(ttl), UUID.randomUUID(), dailyLimit, ops, maxDepth);
        return new Issued(DelegationTokens.sign(claims, signingKey), claims);
    }

    /** The token's claims if it may be honoured now; otherwise an {@link InvalidDelegationTokenException} saying why. */
    public DelegationClaims validate(String token) {
        DelegationClaims claims = DelegationTokens.verify(token, verificationKeys::get, clock.instant());
        if (revocations.isRevoked(claims.jti())) {
            throw new InvalidDelegationTokenException("delegation token " + claims.jti() + " has been revoked");
        }
        Agent child;
        try {
            child = agents.get(claims.childId());
        } catch (io.caracal.core.error.NotFoundException e) {
            throw new InvalidDelegationTokenException("delegation token names an unknown agent " + claims.childId());
        }
        if (!claims.parentId().equals(child.parentId())) {
            throw new InvalidDelegationTokenException("agent " + claims.childId() + " is no longer a child of " + claims.parentId());
        }
        if (child.status() != AgentStatus.ACTIVE) {
            throw new InvalidDelegationTokenException("agent " + claims.childId() + " is " + child.status().label());
        }
        return claims;
    }

    public void revoke(UUID jti, String reason) {
        revocations.revoke(jti, reason);
    }
}
