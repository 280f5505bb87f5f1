package io.caracal.core.delegation;

import java.util.UUID;

/** Revoked delegation tokens by jti: the store, or the gateway's cache of it. */
public interface Revocations {
    boolean isRevoked(UUID jti);
}
