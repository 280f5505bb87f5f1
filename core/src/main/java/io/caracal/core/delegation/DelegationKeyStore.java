package io.caracal.core.delegation;

import io.caracal.core.error.ConflictException;
import io.caracal.core.keys.PemKeys;
import io.caracal.core.store.Database;
import io.caracal.core.store.Rows;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The public keys agents sign their delegation tokens with ({@code delegation_keys}, append-only). Only the public
 * half is stored: the parent keeps its private key, and signs with it wherever it runs.
 */
public final class DelegationKeyStore implements DelegationKeys {
    private static final String COLUMNS = "key_id, agent_id, public_key_der, created_at";

    private final Database db;
    private final Clock clock;

    public DelegationKeyStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Registers {@code key} for {@code agentId}; registering it again for the same agent changes nothing. */
    public DelegationKey register(UUID agentId, ECPublicKey key) {
        String keyId = PemKeys.keyId(key);
        db.statement(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO delegation_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (key_id) DO NOTHING")) {
                ps.setString(1, keyId);
                ps.setObject(2, agentId);
                ps.setBytes(3, key.getEncoded());
                Rows.setInstant(ps, 4, Rows.now(clock));
                return ps.executeUpdate();
            }
        });
        DelegationKey registered = find(keyId).orElseThrow();
        if (!registered.agentId().equals(agentId)) {
            throw new ConflictException("key " + keyId + " is already registered to agent " + registered.agentId());
        }
        return registered;
    }

    @Override
    public Optional<DelegationKey> find(String keyId) {
        return db.statement(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM delegation_keys WHERE key_id = ?")) {
                ps.setString(1, keyId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(key(rs)) : Optional.empty();
                }
            }
        });
    }

    /** An agent's keys, oldest first. */
    public List<DelegationKey> of(UUID agentId) {
        return db.statement(c -> {
            List<DelegationKey> keys = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM delegation_keys WHERE agent_id = ? ORDER BY created_at, key_id")) {
                ps.setObject(1, agentId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(key(rs));
                    }
                }
            }
            return keys;
        });
    }

    private static DelegationKey key(ResultSet rs) throws SQLException {
        try {
            ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(rs.getBytes("public_key_der")));
            return new DelegationKey(rs.getString("key_id"), Rows.uuid(rs, "agent_id"), key, Rows.instant(rs, "created_at"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("delegation key " + rs.getString("key_id") + " is not an EC public key", e);
        }
    }
}
