package io.caracal.core.delegation;

import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.UUID;

/** The public half of a key {@code agentId} signs its delegation tokens with; {@code keyId} is the tokens' {@code kid}. */
public record DelegationKey(String keyId, UUID agentId, ECPublicKey publicKey, Instant createdAt) {
}
