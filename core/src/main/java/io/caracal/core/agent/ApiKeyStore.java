package io.caracal.core.agent;

import io.caracal.core.store.Database;
import io.caracal.core.store.Rows;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.error.NotFoundException;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Agent API keys: issued once, stored as a hash, revoked but never deleted. */
public final class ApiKeyStore {
    private static final String COLUMNS = "id, agent_id, prefix, name, created_at, revoked_at";

    private final Database db;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public ApiKeyStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** The stored key and, this one time only, its plaintext. */
    public record Created(ApiKey key, String plaintext) {
    }

    public Created create(UUID agentId, String name) {
        String label = name == null ? "" : name.strip();
        if (label.length() > 255) {
            throw new InvalidInputException("key name is longer than 255 characters");
        }
        return db.transaction(c -> {
            Agent agent = AgentStore.find(c, agentId).orElseThrow(() -> new NotFoundException("agent", agentId));
            ApiKeys.IssuedKey issued = ApiKeys.issue(random);
            ApiKey key = new ApiKey(UUID.randomUUID(), agentId, issued.prefix(), label, Rows.now(clock), null);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO agent_api_keys (id, agent_id, prefix, secret_hash, name, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setObject(1, key.id());
                ps.setObject(2, agentId);
                ps.setString(3, key.prefix());
                ps.setBytes(4, issued.hash());
                ps.setString(5, label);
                Rows.setInstant(ps, 6, key.createdAt());
                ps.executeUpdate();
            }
            AgentStore.recordChange(c, agent, LifecycleEvent.KEY_CREATED, keyDetails(key), key.createdAt());
            return new Created(key, issued.plaintext());
        });
    }

    /** What a presented key is checked against: the agent and secret hash of an unrevoked key. */
    public record ActiveKey(UUID agentId, byte[] secretHash) {
    }

    /** The unrevoked key with this prefix, by one indexed lookup: no scan over keys. */
    public Optional<ActiveKey> activeKey(String prefix) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT agent_id, secret_hash FROM agent_api_keys WHERE prefix = ? AND revoked_at IS NULL")) {
                ps.setString(1, prefix);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new ActiveKey(Rows.uuid(rs, "agent_id"), rs.getBytes("secret_hash"))) : Optional.<ActiveKey>empty();
                }
            }
        });
    }

    public List<ApiKey> list(UUID agentId) {
        return db.transaction(c -> {
            AgentStore.find(c, agentId).orElseThrow(() -> new NotFoundException("agent", agentId));
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM agent_api_keys WHERE agent_id = ? ORDER BY created_at")) {
                ps.setObject(1, agentId);
                return readAll(ps);
            }
        });
    }

    /** Revoking twice is harmless: the first revocation time is kept, and only the first is reported. */
    public ApiKey revoke(UUID keyId) {
        return db.transaction(c -> {
            int revoked;
            try (PreparedStatement ps = c.prepareStatement("UPDATE agent_api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                Rows.setInstant(ps, 1, Rows.now(clock));
                ps.setObject(2, keyId);
                revoked = ps.executeUpdate();
            }
            ApiKey key;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM agent_api_keys WHERE id = ?")) {
                ps.setObject(1, keyId);
                key = readAll(ps).stream().findFirst().orElseThrow(() -> new NotFoundException("API key", keyId));
            }
            if (revoked > 0) {
                AgentStore.recordChange(c, AgentStore.find(c, key.agentId()).orElseThrow(), LifecycleEvent.KEY_REVOKED, keyDetails(key), key.revokedAt());
            }
            return key;
        });
    }

    /** Which key an event is about: its id and name, never its prefix, secret or hash. */
    private static Map<String, String> keyDetails(ApiKey key) {
        return Map.of("key_id", key.id().toString(), "key_name", key.name());
    }

    private static List<ApiKey> readAll(PreparedStatement ps) throws SQLException {
        List<ApiKey> keys = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Instant revoked = Rows.instant(rs, "revoked_at");
                keys.add(new ApiKey(Rows.uuid(rs, "id"), Rows.uuid(rs, "agent_id"), rs.getString("prefix"),
                        rs.getString("name"), Rows.instant(rs, "created_at"), revoked));
            }
        }
        return keys;
    }
}
