package io.caracal.core.delegation;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.agent.AgentStore;
import io.caracal.core.error.ConflictException;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.money.Money;
import io.caracal.core.policy.CarveOut;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.policy.PolicyTerms;
import io.caracal.core.policy.TimeWindow;
import io.caracal.core.policy.WindowType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Issues, validates and revokes delegation tokens for the admin CLI. A parent signs its tokens with a key of its own
 * whose public half is registered ({@link DelegationKeyStore}); the gateway verifies them with the same
 * {@link DelegationVerifier} rules on its caches.
 */
public final class DelegationService {
    public static final Duration DEFAULT_LIFETIME = Duration.ofDays(1);
    /** The budget a token grants is counted over a 30-day rolling window (see PolicyStore#tokenBudget): no token outlives it. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(30);
    public static final List<String> DEFAULT_OPERATIONS = List.of("api_call", "mcp_tool");
    public static final int DEFAULT_MAX_DEPTH = 2;

    private final AgentStore agents;
    private final PolicyStore policies;
    private final DelegationKeyStore keys;
    private final RevocationStore revocations;
    private final DelegationVerifier verifier;
    private final Clock clock;

    public DelegationService(AgentStore agents, PolicyStore policies, DelegationKeyStore keys, RevocationStore revocations, Clock clock) {
        this.agents = agents;
        this.policies = policies;
        this.keys = keys;
        this.revocations = revocations;
        this.verifier = new DelegationVerifier(keys, revocations, agents, clock);
        this.clock = clock;
    }

    public record Issued(String token, DelegationClaims claims) {
    }

    /**
     * A token, signed with the parent's {@code key}, letting {@code childId} spend up to {@code limit} in all while it
     * lives. The limit obeys the rule of a delegated policy: it cannot exceed the parent's own daily limit in that currency.
     */
    public Issued issue(UUID parentId, UUID childId, Money limit, Duration lifetime, List<String> operations, int maxDepth,
                        PemKeys.SigningKey key) {
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
        if (keys.find(key.keyId()).filter(k -> k.agentId().equals(parentId)).isEmpty()) {
            throw new InvalidInputException("key " + key.keyId() + " is not a registered delegation key of agent " + parentId
                    + " (register it with 'caracal delegation add-key')");
        }
        CarveOut.check(child, parentId, new PolicyTerms(limit, TimeWindow.DAILY, WindowType.CALENDAR, null),
                policies.list(Optional.of(parentId), false));
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        DelegationClaims claims = new DelegationClaims(parentId, childId, now, now.plus(ttl), UUID.randomUUID(), limit, ops, maxDepth);
        return new Issued(DelegationTokens.sign(claims, key), claims);
    }

    /** The token's claims if it may be honoured now; otherwise an {@link InvalidDelegationTokenException} saying why. */
    public DelegationClaims validate(String token) {
        return verifier.verify(token);
    }

    public void revoke(UUID jti, String reason) {
        revocations.revoke(jti, reason);
    }
}
