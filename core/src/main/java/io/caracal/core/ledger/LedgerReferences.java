package io.caracal.core.ledger;

import io.caracal.core.store.ChangeCache;
import io.caracal.core.store.ChangeFeed;
import io.caracal.core.store.Database;
import io.caracal.core.store.DatabaseOutage;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/**
 * Which agents and budget policies exist, as the ledger checks the events it writes: from memory
 * ({@link ChangeCache}, dropped when either table changes), and from PostgreSQL, in one query per table, only for
 * the ids not held. Only ids found are kept, so an unknown agent or policy is read, and refused, every time. Agents
 * are never deleted (the database refuses it); should a policy go after it was read, the budget lines' foreign key
 * still refuses the insert.
 */
public final class LedgerReferences {
    private final ChangeCache<UUID, UUID> agents;
    private final ChangeCache<UUID, UUID> policies;

    public LedgerReferences(Database db, ChangeFeed feed, Duration ttl, Clock clock) {
        this.agents = ChangeCache.ofMany(feed, Set.of("agents"), ttl, clock, ids -> read(db, "agents", ids));
        this.policies = ChangeCache.ofMany(feed, Set.of("budget_policies"), ttl, clock, ids -> read(db, "budget_policies", ids));
    }

    /** Reads every id from PostgreSQL: for a writer with no change feed, which could not know when to forget. */
    static LedgerReferences readThrough(Database db, Clock clock) {
        // A feed that never listens: its caches keep nothing they would serve while PostgreSQL is reachable.
        return new LedgerReferences(db, new ChangeFeed(null, new DatabaseOutage(clock)), Duration.ZERO, clock);
    }

    Set<UUID> knownAgents(Set<UUID> ids) {
        return agents.findAll(ids).keySet();
    }

    Set<UUID> knownPolicies(Set<UUID> ids) {
        return policies.findAll(ids).keySet();
    }

    private static java.util.Map<UUID, UUID> read(Database db, String table, Set<UUID> ids) {
        return db.transaction(c -> {
            java.util.Map<UUID, UUID> found = new java.util.HashMap<>();
            for (UUID id : LedgerStore.ids(c, "SELECT id FROM " + table + " WHERE id = ANY (?)", ids)) {
                found.put(id, id);
            }
            return found;
        });
    }
}
