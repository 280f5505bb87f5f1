package io.caracal.core.agent;

import io.caracal.core.event.OutboxStore;
import io.caracal.core.store.Database;
import io.caracal.core.store.JsonMaps;
import io.caracal.core.store.Rows;
import io.caracal.core.error.ConflictException;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.error.NotFoundException;

import java.sql.Connection;
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

/** Agents and their parent/child tree in PostgreSQL. */
public final class AgentStore implements AgentLookup {
    /** Serialises changes to the agent tree, so two concurrent re-parentings cannot close a cycle between them. */
    private static final long TREE_LOCK = 0x0CA2ACA1_0000_0001L;
    private static final String COLUMNS = "id, name, description, owner, status, parent_id, metadata::text AS metadata, created_at, updated_at";

    private final Database db;
    private final Clock clock;

    public AgentStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public Agent create(AgentDraft draft) {
        return db.transaction(c -> {
            if (draft.parentId() != null) {
                find(c, draft.parentId()).orElseThrow(() -> new NotFoundException("parent agent", draft.parentId()));
            }
            Instant now = Rows.now(clock);
            UUID id = UUID.randomUUID();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO agents (id, name, description, owner, status, parent_id, metadata, created_at, updated_at)"
                    + " VALUES (?, ?, ?, ?, 'active', ?, ?::jsonb, ?, ?)")) {
                ps.setObject(1, id);
                ps.setString(2, draft.name());
                ps.setString(3, draft.description());
                ps.setString(4, draft.owner());
                Rows.setUuid(ps, 5, draft.parentId());
                ps.setString(6, JsonMaps.write(draft.metadata()));
                Rows.setInstant(ps, 7, now);
                Rows.setInstant(ps, 8, now);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (Rows.isUniqueViolation(e, "agents_name_key")) {
                    throw new ConflictException("an agent named '" + draft.name() + "' already exists");
                }
                throw e;
            }
            return recordChange(c, find(c, id).orElseThrow(), LifecycleEvent.CREATED, Map.of(), null);
        });
    }

    @Override
    public Agent get(UUID id) {
        return db.transaction(c -> find(c, id).orElseThrow(() -> new NotFoundException("agent", id)));
    }

    public List<Agent> list(Optional<AgentStatus> status) {
        return db.transaction(c -> {
            String sql = "SELECT " + COLUMNS + " FROM agents" + (status.isPresent() ? " WHERE status = ?" : "") + " ORDER BY created_at, name";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (status.isPresent()) {
                    ps.setString(1, status.get().label());
                }
                return readAll(ps);
            }
        });
    }

    /** The direct children of an agent, oldest first. */
    public List<Agent> children(UUID id) {
        return db.transaction(c -> {
            find(c, id).orElseThrow(() -> new NotFoundException("agent", id));
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM agents WHERE parent_id = ? ORDER BY created_at, name")) {
                ps.setObject(1, id);
                return readAll(ps);
            }
        });
    }

    /** Setting the status an agent already has changes nothing and reports nothing. */
    public Agent setStatus(UUID id, AgentStatus status) {
        return db.transaction(c -> {
            int changed;
            try (PreparedStatement ps = c.prepareStatement("UPDATE agents SET status = ?, updated_at = ? WHERE id = ? AND status <> ?")) {
                ps.setString(1, status.label());
                Rows.setInstant(ps, 2, Rows.now(clock));
                ps.setObject(3, id);
                ps.setString(4, status.label());
                changed = ps.executeUpdate();
            }
            Agent agent = find(c, id).orElseThrow(() -> new NotFoundException("agent", id));
            return changed == 0 ? agent : recordChange(c, agent, LifecycleEvent.of(status), Map.of(), null);
        });
    }

    public Agent update(UUID id, AgentChange change) {
        if (change.isEmpty()) {
            throw new InvalidInputException("nothing to change: give at least one of --description, --owner, --parent-id, --clear-parent, --metadata");
        }
        return db.transaction(c -> {
            lockTree(c);
            Agent current = find(c, id).orElseThrow(() -> new NotFoundException("agent", id));
            UUID parent = change.clearParent() ? null : change.parentId().orElse(current.parentId());
            if (change.parentId().isPresent()) {
                checkNewParent(c, id, change.parentId().get());
            }
            if (!java.util.Objects.equals(parent, current.parentId())) {
                requireNoDelegatedPolicy(c, id);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE agents SET description = ?, owner = ?, parent_id = ?, metadata = ?::jsonb, updated_at = ? WHERE id = ?")) {
                ps.setString(1, change.description().orElse(current.description()));
                ps.setString(2, change.owner().orElse(current.owner()));
                Rows.setUuid(ps, 3, parent);
                ps.setString(4, JsonMaps.write(change.metadata().orElse(current.metadata())));
                Rows.setInstant(ps, 5, Rows.now(clock));
                ps.setObject(6, id);
                ps.executeUpdate();
            }
            return recordChange(c, find(c, id).orElseThrow(), LifecycleEvent.UPDATED, Map.of(), null);
        });
    }

    /**
     * Appends the agent-lifecycle event of a change inside the change's transaction, so the change and its event
     * commit together or not at all. The stores are not told who acts, so {@code changed_by} stays empty.
     * {@code at} is when the change happened, the agent's last update when null.
     */
    static Agent recordChange(Connection c, Agent agent, LifecycleEvent kind, Map<String, String> extra, Instant at) throws SQLException {
        OutboxStore.insert(c, AgentEvents.lifecycle(agent, kind, null, extra, at == null ? agent.updatedAt() : at));
        return agent;
    }

    /** The parent must exist and must not be the agent itself or one of its descendants. */
    private void checkNewParent(Connection c, UUID id, UUID newParent) throws SQLException {
        find(c, newParent).orElseThrow(() -> new NotFoundException("parent agent", newParent));
        if (ancestorsOf(c, newParent).contains(id)) {
            throw new ConflictException("making " + newParent + " the parent of " + id + " would create a cycle");
        }
    }

    /**
     * A delegated budget is carved from the parent's: moving the agent away would orphan it. A delegation token's
     * budget (a row with a {@code delegation_jti}) does not stop a move: the token is refused once its child has
     * another parent. The condition is spelled here rather than taken from the policy package, which depends on this one.
     */
    private static void requireNoDelegatedPolicy(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM budget_policies WHERE agent_id = ? AND active AND delegated_from IS NOT NULL"
                + " AND delegation_jti IS NULL LIMIT 1")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new ConflictException("agent " + id + " has a policy delegated from its parent (" + Rows.uuid(rs, "id")
                            + "); deactivate it before changing the parent");
                }
            }
        }
    }

    /** The agent itself followed by its parent, grandparent and so on to the root. */
    public List<UUID> lineage(UUID id) {
        return db.transaction(c -> {
            find(c, id).orElseThrow(() -> new NotFoundException("agent", id));
            return ancestorsOf(c, id);
        });
    }

    private static List<UUID> ancestorsOf(Connection c, UUID id) throws SQLException {
        // UNION (not UNION ALL) stops the walk even if a cycle had somehow been stored.
        try (PreparedStatement ps = c.prepareStatement("WITH RECURSIVE up(id, parent_id, depth) AS ("
                + " SELECT id, parent_id, 0 FROM agents WHERE id = ?"
                + " UNION SELECT a.id, a.parent_id, up.depth + 1 FROM agents a JOIN up ON a.id = up.parent_id WHERE up.depth < 1000)"
                + " SELECT id FROM up ORDER BY depth")) {
            ps.setObject(1, id);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(Rows.uuid(rs, "id"));
                }
            }
            return ids;
        }
    }

    public static Optional<Agent> find(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM agents WHERE id = ?")) {
            ps.setObject(1, id);
            List<Agent> found = readAll(ps);
            return found.stream().findFirst();
        }
    }

    private static void lockTree(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, TREE_LOCK);
            ps.execute();
        }
    }

    private static List<Agent> readAll(PreparedStatement ps) throws SQLException {
        List<Agent> agents = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                agents.add(new Agent(
                        Rows.uuid(rs, "id"),
                        rs.getString("name"),
                        rs.getString("description"),
                        rs.getString("owner"),
                        AgentStatus.fromLabel(rs.getString("status")),
                        Rows.uuid(rs, "parent_id"),
                        JsonMaps.read(rs.getString("metadata")),
                        Rows.instant(rs, "created_at"),
                        Rows.instant(rs, "updated_at")));
            }
        }
        return agents;
    }
}
