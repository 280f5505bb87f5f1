package io.caracal.core.allowlist;

import io.caracal.core.agent.AgentStore;
import io.caracal.core.store.Database;
import io.caracal.core.store.Rows;
import io.caracal.core.error.NotFoundException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Allowlist entries; a pattern is compiled (so validated) before it is stored, and deletion is soft. */
public final class AllowlistStore implements Allowlists {
    private static final String COLUMNS = "id, agent_id, pattern, pattern_type, active, created_at, deleted_at";

    private final Database db;
    private final Clock clock;

    public AllowlistStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public AllowlistEntry create(UUID agentId, PatternType type, String pattern) {
        ResourcePattern compiled = ResourcePattern.compile(type, pattern);
        return db.transaction(c -> {
            AgentStore.find(c, agentId).orElseThrow(() -> new NotFoundException("agent", agentId));
            AllowlistEntry entry = new AllowlistEntry(UUID.randomUUID(), agentId, compiled.text(), type, true, Rows.now(clock), null);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO resource_allowlists (id, agent_id, pattern, pattern_type, active, created_at)"
                    + " VALUES (?, ?, ?, ?, true, ?)")) {
                ps.setObject(1, entry.id());
                ps.setObject(2, agentId);
                ps.setString(3, entry.pattern());
                ps.setString(4, type.label());
                Rows.setInstant(ps, 5, entry.createdAt());
                ps.executeUpdate();
            }
            return entry;
        });
    }

    public List<AllowlistEntry> list(UUID agentId, boolean includeDeleted) {
        return db.transaction(c -> entries(c, agentId, includeDeleted));
    }

    /** Deleting an entry that is already deleted is harmless; the first deletion time is kept. */
    public AllowlistEntry delete(UUID entryId) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE resource_allowlists SET active = false, deleted_at = ? WHERE id = ? AND active")) {
                Rows.setInstant(ps, 1, Rows.now(clock));
                ps.setObject(2, entryId);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM resource_allowlists WHERE id = ?")) {
                ps.setObject(1, entryId);
                return readAll(ps).stream().findFirst().orElseThrow(() -> new NotFoundException("allowlist entry", entryId));
            }
        });
    }

    /** The agent's active entries, ready to check resources against. */
    @Override
    public Allowlist allowlistOf(UUID agentId) {
        return new Allowlist(list(agentId, false));
    }

    private static List<AllowlistEntry> entries(Connection c, UUID agentId, boolean includeDeleted) throws SQLException {
        AgentStore.find(c, agentId).orElseThrow(() -> new NotFoundException("agent", agentId));
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM resource_allowlists WHERE agent_id = ?"
                + (includeDeleted ? "" : " AND active") + " ORDER BY created_at, id")) {
            ps.setObject(1, agentId);
            return readAll(ps);
        }
    }

    private static List<AllowlistEntry> readAll(PreparedStatement ps) throws SQLException {
        List<AllowlistEntry> entries = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Instant deleted = Rows.instant(rs, "deleted_at");
                entries.add(new AllowlistEntry(Rows.uuid(rs, "id"), Rows.uuid(rs, "agent_id"), rs.getString("pattern"),
                        PatternType.parse(rs.getString("pattern_type")), rs.getBoolean("active"), Rows.instant(rs, "created_at"), deleted));
            }
        }
        return entries;
    }
}
