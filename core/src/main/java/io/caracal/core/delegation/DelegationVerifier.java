package io.caracal.core.delegation;

import io.caracal.core.agent.Agent;
import io.caracal.core.agent.AgentLookup;
import io.caracal.core.agent.AgentStatus;
import io.caracal.core.error.NotFoundException;

import java.time.Clock;
import java.util.UUID;

/**
 * Whether a delegation token may be honoured now: its signature by a key of its issuer (see {@link DelegationTokens}),
 * not revoked, its child still an active child of its active issuer, and no deeper in the agent tree than the token's
 * {@code maxDelegationDepth} allows. The same rules for the CLI (on the stores) and the gateway (on its caches).
 */
public final class DelegationVerifier {
    /** Deeper than any tree the agents table allows (its cycle check walks this far). */
    private static final int MAX_TREE_DEPTH = 1000;

    private final DelegationKeys keys;
    private final Revocations revocations;
    private final AgentLookup agents;
    private final Clock clock;

    public DelegationVerifier(DelegationKeys keys, Revocations revocations, AgentLookup agents, Clock clock) {
        this.keys = keys;
        this.revocations = revocations;
        this.agents = agents;
        this.clock = clock;
    }

    /** The token's claims if it may be honoured now; otherwise an {@link InvalidDelegationTokenException} saying why. */
    public DelegationClaims verify(String token) {
        DelegationClaims claims = DelegationTokens.verify(token, keys, clock.instant());
        if (revocations.isRevoked(claims.jti())) {
            throw new InvalidDelegationTokenException("delegation token " + claims.jti() + " has been revoked");
        }
        Agent child = known(claims.childId());
        if (!claims.parentId().equals(child.parentId())) {
            throw new InvalidDelegationTokenException("agent " + claims.childId() + " is no longer a child of " + claims.parentId());
        }
        if (child.status() != AgentStatus.ACTIVE) {
            throw new InvalidDelegationTokenException("agent " + claims.childId() + " is " + child.status().label());
        }
        Agent parent = known(claims.parentId());
        if (parent.status() != AgentStatus.ACTIVE) {
            throw new InvalidDelegationTokenException("the issuing agent " + claims.parentId() + " is " + parent.status().label());
        }
        int depth = depthOf(child);
        if (depth > claims.maxDelegationDepth()) {
            throw new InvalidDelegationTokenException("agent " + claims.childId() + " is " + depth + " levels below the top of its tree, deeper than"
                    + " the token's maxDelegationDepth of " + claims.maxDelegationDepth());
        }
        return claims;
    }

    /** As {@link #verify}, for a call made by {@code caller}: a token is honoured only for the agent it was issued to. */
    public DelegationClaims verifyFor(UUID caller, String token) {
        DelegationClaims claims = verify(token);
        if (!claims.childId().equals(caller)) {
            throw new InvalidDelegationTokenException("this delegation token was issued to agent " + claims.childId() + ", not to " + caller);
        }
        return claims;
    }

    private Agent known(UUID id) {
        try {
            return agents.get(id);
        } catch (NotFoundException e) {
            throw new InvalidDelegationTokenException("delegation token names an unknown agent " + id);
        }
    }

    /** How many ancestors the agent has: 1 for a child of a top agent. */
    private int depthOf(Agent agent) {
        int depth = 0;
        Agent at = agent;
        while (at.parentId() != null && depth < MAX_TREE_DEPTH) {
            at = known(at.parentId());
            depth++;
        }
        return depth;
    }
}
