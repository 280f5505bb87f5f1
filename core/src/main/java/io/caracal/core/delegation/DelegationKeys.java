package io.caracal.core.delegation;

import java.util.Optional;

/** Agents' delegation keys by key id: the store, or the gateway's cache of it. */
public interface DelegationKeys {
    Optional<DelegationKey> find(String keyId);
}
