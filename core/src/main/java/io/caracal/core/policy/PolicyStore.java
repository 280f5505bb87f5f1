package io.caracal.core.policy;

import io.caracal.core.agent.AgentStore;
import io.caracal.core.event.OutboxStore;
import io.caracal.core.store.Database;
import io.caracal.core.store.Rows;
import io.caracal.core.agent.Agent;
import io.caracal.core.error.ConflictException;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Budget policies and their history. Every change writes the new state and a full copy of it as the next
 * version in the same transaction, so the history can never miss a change (v0.3 wrote it best-effort).
 */
public final class PolicyStore implements PolicyScopes {
    private static final String COLUMNS = "id, agent_id, limit_amount, currency, time_window, window_type, time_zone,"
            + " delegated_from, active, created_at, updated_at";
    /**
     * Policies, as opposed to the budgets delegation tokens grant ({@link #tokenBudget}): those apply only to the calls
     * that present their token, so they are no agent's policy, nor can they be listed, changed or deactivated as one.
     */
    public static final String NOT_TOKEN = "delegation_jti IS NULL";

    private final Database db;
    private final Clock clock;

    public PolicyStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public BudgetPolicy create(UUID agentId, PolicyTerms terms, UUID delegatedFrom, PolicyChange change) {
        return db.transaction(c -> {
            Agent agent = AgentStore.find(c, agentId).orElseThrow(() -> new NotFoundException("agent", agentId));
            checkDelegation(c, agent, delegatedFrom, terms);
            Instant now = Rows.now(clock);
            BudgetPolicy policy = new BudgetPolicy(UUID.randomUUID(), agentId, terms.limit(), terms.timeWindow(),
                    terms.windowType(), terms.timeZone(), delegatedFrom, true, now, now);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO budget_policies (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bindPolicy(ps, policy);
                ps.setBoolean(9, true);
                Rows.setInstant(ps, 10, now);
                Rows.setInstant(ps, 11, now);
                ps.executeUpdate();
            }
            appendVersion(c, policy, ChangeType.CREATED, change);
            return policy;
        });
    }

    /**
     * The budget a delegation token grants {@code childId}: {@code limit} over the token's whole life, a rolling 30-day
     * window (no token lives longer, so the window always reaches back to its first charge). Created by the first
     * call that presents the token, on whichever replica; every later call, anywhere, finds the same row.
     */
    public BudgetPolicy tokenBudget(UUID jti, UUID childId, UUID parentId, Money limit) {
        return db.transaction(c -> {
            // Read first: an insert that conflicts still fires the table's change notice, which would empty every
            // replica's policy caches on each reload of a token's budget.
            Optional<BudgetPolicy> existing = tokenBudget(c, jti);
            if (existing.isPresent()) {
                return existing.get();
            }
            Instant now = Rows.now(clock);
            BudgetPolicy budget = new BudgetPolicy(UUID.randomUUID(), childId, limit, TimeWindow.MONTHLY, WindowType.ROLLING, null, parentId,
                    true, now, now);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO budget_policies (" + COLUMNS + ", delegation_jti)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delegation_jti) DO NOTHING")) {
                bindPolicy(ps, budget);
                ps.setBoolean(9, true);
                Rows.setInstant(ps, 10, now);
                Rows.setInstant(ps, 11, now);
                ps.setObject(12, jti);
                ps.executeUpdate();
            }
            return tokenBudget(c, jti).orElseThrow();
        });
    }

    private static Optional<BudgetPolicy> tokenBudget(Connection c, UUID jti) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM budget_policies WHERE delegation_jti = ?")) {
            ps.setObject(1, jti);
            return readAll(ps).stream().findFirst();
        }
    }

    public BudgetPolicy get(UUID policyId) {
        return db.transaction(c -> find(c, policyId, false));
    }

    /** Active policies of one agent or of all agents; inactive ones too when asked. */
    public List<BudgetPolicy> list(Optional<UUID> agentId, boolean includeInactive) {
        return db.transaction(c -> {
            if (agentId.isPresent()) {
                AgentStore.find(c, agentId.get()).orElseThrow(() -> new NotFoundException("agent", agentId.get()));
            }
            String where = (agentId.isPresent() ? " WHERE agent_id = ?" : " WHERE true") + " AND " + NOT_TOKEN + (includeInactive ? "" : " AND active");
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM budget_policies" + where + " ORDER BY created_at, id")) {
                if (agentId.isPresent()) {
                    ps.setObject(1, agentId.get());
                }
                return readAll(ps);
            }
        });
    }

    public BudgetPolicy update(UUID policyId, PolicyEdit edit, PolicyChange change) {
        return db.transaction(c -> {
            BudgetPolicy current = requireActive(find(c, policyId, true));
            PolicyTerms terms = edit.applyTo(termsOf(current));
            Agent agent = AgentStore.find(c, current.agentId()).orElseThrow();
            checkDelegation(c, agent, current.delegatedFrom(), terms);
            BudgetPolicy updated = new BudgetPolicy(current.id(), current.agentId(), terms.limit(), terms.timeWindow(),
                    terms.windowType(), terms.timeZone(), current.delegatedFrom(), true, current.createdAt(), Rows.now(clock));
            checkDelegationsStillFit(c, current, updated);
            try (PreparedStatement ps = c.prepareStatement("UPDATE budget_policies SET limit_amount = ?, time_window = ?, window_type = ?,"
                    + " time_zone = ?, updated_at = ? WHERE id = ?")) {
                ps.setBigDecimal(1, updated.limit().amount());
                ps.setString(2, updated.timeWindow().label());
                ps.setString(3, updated.windowType().label());
                ps.setString(4, zoneName(updated.timeZone()));
                Rows.setInstant(ps, 5, updated.updatedAt());
                ps.setObject(6, policyId);
                ps.executeUpdate();
            }
            appendVersion(c, updated, ChangeType.MODIFIED, change);
            return updated;
        });
    }

    public BudgetPolicy deactivate(UUID policyId, PolicyChange change) {
        return db.transaction(c -> {
            BudgetPolicy current = requireActive(find(c, policyId, true));
            BudgetPolicy deactivated = new BudgetPolicy(current.id(), current.agentId(), current.limit(), current.timeWindow(),
                    current.windowType(), current.timeZone(), current.delegatedFrom(), false, current.createdAt(), Rows.now(clock));
            checkDelegationsStillFit(c, current, null);
            try (PreparedStatement ps = c.prepareStatement("UPDATE budget_policies SET active = false, updated_at = ? WHERE id = ?")) {
                Rows.setInstant(ps, 1, deactivated.updatedAt());
                ps.setObject(2, policyId);
                ps.executeUpdate();
            }
            appendVersion(c, deactivated, ChangeType.DEACTIVATED, change);
            return deactivated;
        });
    }

    /** The versions of one policy, oldest first. */
    public List<PolicyVersion> history(UUID policyId) {
        return db.transaction(c -> {
            find(c, policyId, false);
            return versions(c, "policy_id = ?", policyId);
        });
    }

    /** The versions of every policy an agent has had, oldest first. */
    public List<PolicyVersion> historyOfAgent(UUID agentId) {
        return db.transaction(c -> {
            AgentStore.find(c, agentId).orElseThrow(() -> new NotFoundException("agent", agentId));
            return versions(c, "agent_id = ?", agentId);
        });
    }

    private void checkDelegation(Connection c, Agent agent, UUID delegatedFrom, PolicyTerms terms) throws SQLException {
        if (delegatedFrom == null) {
            return;
        }
        List<BudgetPolicy> parentPolicies;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM budget_policies WHERE agent_id = ? AND active AND " + NOT_TOKEN)) {
            ps.setObject(1, delegatedFrom);
            parentPolicies = readAll(ps);
        }
        CarveOut.check(agent, delegatedFrom, terms, parentPolicies);
    }

    /**
     * A parent's policy cannot be lowered, re-windowed or deactivated from under the policies it delegated:
     * each delegated policy must still fit the parent's policies as they will be ({@code replacement} null
     * means the policy goes away).
     */
    private void checkDelegationsStillFit(Connection c, BudgetPolicy changed, BudgetPolicy replacement) throws SQLException {
        List<BudgetPolicy> delegated;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM budget_policies WHERE delegated_from = ? AND active AND " + NOT_TOKEN)) {
            ps.setObject(1, changed.agentId());
            delegated = readAll(ps);
        }
        if (delegated.isEmpty()) {
            return;
        }
        List<BudgetPolicy> parentAfter = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM budget_policies WHERE agent_id = ? AND active AND id <> ? AND " + NOT_TOKEN)) {
            ps.setObject(1, changed.agentId());
            ps.setObject(2, changed.id());
            parentAfter.addAll(readAll(ps));
        }
        if (replacement != null) {
            parentAfter.add(replacement);
        }
        for (BudgetPolicy child : delegated) {
            Agent childAgent = AgentStore.find(c, child.agentId()).orElseThrow();
            try {
                CarveOut.check(childAgent, changed.agentId(), termsOf(child), parentAfter);
            } catch (ConflictException e) {
                throw new ConflictException("policy " + child.id() + " of agent " + child.agentId() + " is delegated from this agent and would no"
                        + " longer fit (" + e.getMessage() + "); lower or deactivate it first");
            }
        }
    }

    private static BudgetPolicy requireActive(BudgetPolicy policy) {
        if (!policy.active()) {
            throw new ConflictException("policy " + policy.id() + " is inactive; create a new policy instead");
        }
        return policy;
    }

    private static PolicyTerms termsOf(BudgetPolicy p) {
        return new PolicyTerms(p.limit(), p.timeWindow(), p.windowType(), p.timeZone());
    }

    /**
     * Records the policy as its next version and appends the policy-change event in the same transaction, so
     * the change, its history and its event commit together or not at all.
     */
    private void appendVersion(Connection c, BudgetPolicy policy, ChangeType type, PolicyChange change) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO policy_versions (policy_id, version_number, change_type, changed_by,"
                + " change_reason, changed_at, agent_id, limit_amount, currency, time_window, window_type, time_zone, delegated_from, active)"
                + " SELECT ?, coalesce(max(version_number), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM policy_versions WHERE policy_id = ?"
                + " RETURNING version_number")) {
            ps.setObject(1, policy.id());
            ps.setString(2, type.label());
            ps.setString(3, change.changedBy());
            ps.setString(4, change.reason());
            Rows.setInstant(ps, 5, policy.updatedAt());
            ps.setObject(6, policy.agentId());
            ps.setBigDecimal(7, policy.limit().amount());
            ps.setString(8, policy.limit().currency().code());
            ps.setString(9, policy.timeWindow().label());
            ps.setString(10, policy.windowType().label());
            ps.setString(11, zoneName(policy.timeZone()));
            Rows.setUuid(ps, 12, policy.delegatedFrom());
            ps.setBoolean(13, policy.active());
            ps.setObject(14, policy.id());
            int version;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                version = rs.getInt(1);
            }
            OutboxStore.insert(c, PolicyEvents.change(new PolicyEvents.ChangeFacts(policy.agentId(), policy.id(), version, type.label(),
                    change.changedBy(), change.reason(), policy.limit(), policy.timeWindow().label(), policy.windowType().label(),
                    policy.active()), policy.updatedAt()));
        }
    }

    private static List<PolicyVersion> versions(Connection c, String where, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT v.*, p.created_at AS policy_created_at FROM policy_versions v"
                + " JOIN budget_policies p ON p.id = v.policy_id WHERE v." + where + " ORDER BY v.changed_at, v.policy_id, v.version_number")) {
            ps.setObject(1, id);
            List<PolicyVersion> versions = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BudgetPolicy snapshot = policyRow(rs, "policy_id", "policy_created_at", "changed_at");
                    versions.add(new PolicyVersion(rs.getInt("version_number"), ChangeType.parse(rs.getString("change_type")),
                            rs.getString("changed_by"), rs.getString("change_reason"), Rows.instant(rs, "changed_at"), snapshot));
                }
            }
            return versions;
        }
    }

    /**
     * The budgets a charge by an agent counts against: its own active policies, then each ancestor's, nearest first.
     * {@code root} is the top of the agent's delegation tree: every budget of the scope belongs to it or below it,
     * so the budget store keys them all by it (one Redis Cluster slot for a hold across the agent and its ancestors).
     */
    public record Scope(UUID root, List<BudgetPolicy> own, List<BudgetPolicy> inherited) {
        public List<BudgetPolicy> all() {
            List<BudgetPolicy> all = new ArrayList<>(own);
            all.addAll(inherited);
            return all;
        }
    }

    @Override
    public Scope scopeOf(UUID agentId) {
        return db.transaction(c -> {
            // Every agent up the tree is a row (with no policy columns when it has no active policy), so the
            // deepest row names the root even when the root has no budget of its own.
            try (PreparedStatement ps = c.prepareStatement("WITH RECURSIVE up(id, parent_id, depth) AS ("
                    + " SELECT id, parent_id, 0 FROM agents WHERE id = ?"
                    + " UNION SELECT a.id, a.parent_id, up.depth + 1 FROM agents a JOIN up ON a.id = up.parent_id WHERE up.depth < 1000)"
                    + " SELECT up.id AS tree_agent, up.depth, " + COLUMNS.replaceAll("(\\w+)", "p.$1")
                    + " FROM up LEFT JOIN budget_policies p ON p.agent_id = up.id AND p.active AND p." + NOT_TOKEN + " ORDER BY up.depth, p.created_at, p.id")) {
                ps.setObject(1, agentId);
                UUID root = null;
                List<BudgetPolicy> own = new ArrayList<>();
                List<BudgetPolicy> inherited = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        root = Rows.uuid(rs, "tree_agent");
                        if (rs.getObject("id") != null) {
                            (rs.getInt("depth") == 0 ? own : inherited).add(policyRow(rs, "id", "created_at", "updated_at"));
                        }
                    }
                }
                return new Scope(root, own, inherited);
            }
        });
    }

    private static BudgetPolicy find(Connection c, UUID id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM budget_policies WHERE id = ? AND " + NOT_TOKEN + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setObject(1, id);
            return readAll(ps).stream().findFirst().orElseThrow(() -> new NotFoundException("policy", id));
        }
    }

    private static void bindPolicy(PreparedStatement ps, BudgetPolicy p) throws SQLException {
        ps.setObject(1, p.id());
        ps.setObject(2, p.agentId());
        ps.setBigDecimal(3, p.limit().amount());
        ps.setString(4, p.limit().currency().code());
        ps.setString(5, p.timeWindow().label());
        ps.setString(6, p.windowType().label());
        ps.setString(7, zoneName(p.timeZone()));
        Rows.setUuid(ps, 8, p.delegatedFrom());
    }

    private static List<BudgetPolicy> readAll(PreparedStatement ps) throws SQLException {
        List<BudgetPolicy> policies = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                policies.add(policyRow(rs, "id", "created_at", "updated_at"));
            }
        }
        return policies;
    }

    /** Policies and their versions share the policy columns; only the id and time columns are named differently. */
    public static BudgetPolicy policyRow(ResultSet rs, String idColumn, String createdColumn, String updatedColumn) throws SQLException {
        return new BudgetPolicy(Rows.uuid(rs, idColumn), Rows.uuid(rs, "agent_id"),
                new Money(rs.getBigDecimal("limit_amount"), new CurrencyCode(rs.getString("currency"))),
                TimeWindow.parse(rs.getString("time_window")), WindowType.parse(rs.getString("window_type")),
                zone(rs.getString("time_zone")), Rows.uuid(rs, "delegated_from"), rs.getBoolean("active"),
                Rows.instant(rs, createdColumn), Rows.instant(rs, updatedColumn));
    }

    private static String zoneName(ZoneId zone) {
        return zone == null ? null : zone.getId();
    }

    private static ZoneId zone(String name) {
        return name == null ? null : ZoneId.of(name);
    }
}
