package io.caracal.core.ledger;

import io.caracal.core.agent.AgentStore;
import io.caracal.core.store.ArrayColumns;
import io.caracal.core.store.Database;
import io.caracal.core.store.JsonMaps;
import io.caracal.core.store.Rows;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.event.InvalidEventException;
import io.caracal.core.event.MeteringEvent;
import io.caracal.core.money.CurrencyCode;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The ledger of charges. A charge is written once per event id whoever writes it first (the budget engine when it
 * settles, or the ledger consumer from the metering event), and the hold it settles is closed in the same
 * transaction. Rows are never updated or deleted (the database rejects it).
 */
public final class LedgerStore {
    /** Every column of a ledger event {@code e}, with its budget lines as two arrays in the same (policy) order: what {@link #row} reads. */
    static final String ROW_COLUMNS = "e.event_id, e.agent_id, e.hold_id, e.amount, e.currency, e.occurred_at, e.recorded_at,"
            + " e.resource, e.metadata::text AS metadata,"
            + " ARRAY(SELECT l.policy_id FROM ledger_event_lines l WHERE l.event_id = e.event_id ORDER BY l.policy_id) AS line_policies,"
            + " ARRAY(SELECT l.amount FROM ledger_event_lines l WHERE l.event_id = e.event_id ORDER BY l.policy_id) AS line_amounts";

    private final Database db;
    private final Clock clock;
    private final LedgerReferences references;

    /** A ledger that reads the agents and policies its events name from PostgreSQL at every write. */
    public LedgerStore(Database db, Clock clock) {
        this(db, clock, LedgerReferences.readThrough(db, clock));
    }

    /** A ledger that knows the agents and policies its events name from {@code references}. */
    public LedgerStore(Database db, Clock clock, LedgerReferences references) {
        this.db = db;
        this.clock = clock;
        this.references = references;
    }

    /** What one batch did: how many events were new, and the events refused (by position in the batch) with why. */
    public record BatchResult(int written, int duplicates, Map<Integer, InvalidEventException> rejected) {
    }

    /**
     * Writes the events of a batch in one transaction: each new event id becomes a ledger row with its budget
     * lines, and the open hold it names is settled. An event already in the ledger (or earlier in the batch) with
     * the same charge is a duplicate and changes nothing. Events that can never be written (unknown agent, policy
     * or hold, a hold of another agent or currency, an id or hold already charged differently) are returned as
     * rejected, and the rest are written.
     */
    public BatchResult write(List<MeteringEvent> events) {
        Map<Integer, InvalidEventException> rejected = new LinkedHashMap<>();
        Map<UUID, Integer> firstIndex = new HashMap<>();
        Map<UUID, MeteringEvent> candidates = new LinkedHashMap<>();
        int inBatch = 0;
        for (int i = 0; i < events.size(); i++) {
            MeteringEvent event = events.get(i);
            Integer first = firstIndex.putIfAbsent(event.eventId(), i);
            if (first == null) {
                candidates.put(event.eventId(), event);
            } else if (sameCharge(events.get(first), event)) {
                inBatch++;
            } else {
                rejected.put(i, conflict(event.eventId(), "appears twice in the batch with different charges"));
            }
        }
        Map<UUID, InvalidEventException> refused = new HashMap<>();
        checkAgentsAndPolicies(candidates, refused);
        int duplicatesInBatch = inBatch;
        return db.transaction(c -> {
            int duplicates = duplicatesInBatch;
            checkHolds(c, candidates, refused);
            Set<UUID> inserted = insert(c, candidates.values(), Rows.now(clock));
            List<UUID> skipped = candidates.keySet().stream().filter(id -> !inserted.contains(id)).toList();
            Map<UUID, MeteringEvent> existing = existing(c, skipped);
            for (UUID eventId : skipped) {
                MeteringEvent recorded = existing.get(eventId);
                MeteringEvent event = candidates.get(eventId);
                if (recorded == null) {
                    refused.put(eventId, conflict(eventId, "settles hold " + event.holdId() + ", which another event already charged"));
                } else if (sameCharge(recorded, event)) {
                    duplicates++;
                } else {
                    refused.put(eventId, conflict(eventId, "is already in the ledger with a different charge"));
                }
            }
            Map<Integer, InvalidEventException> all = new LinkedHashMap<>(rejected);
            refused.forEach((eventId, problem) -> all.put(firstIndex.get(eventId), problem));
            return new BatchResult(inserted.size(), duplicates, all);
        });
    }

    /**
     * A batch's rows, their budget lines and the holds they settle, in one statement whatever the batch's size. Without
     * a conflict target, an event id already in the ledger and a hold already charged (in the ledger, or by an
     * earlier event of the batch: rows go in batch order) are both skipped; the caller tells the two apart. The
     * database adds the statement's lines to the spend totals in key order, so two consumers' batches lock shared rows
     * in the same order. Returns the ids inserted.
     */
    private static final String INSERT = "WITH v AS (SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::numeric[], ?::text[], ?::text[],"
            + " ?::text[], ?::text[]) WITH ORDINALITY AS v(event_id, agent_id, hold_id, amount, currency, occurred_at, resource, metadata, n)),"
            + " e AS (INSERT INTO ledger_events (event_id, agent_id, hold_id, amount, currency, occurred_at, recorded_at, resource, metadata)"
            + " SELECT v.event_id, v.agent_id, v.hold_id, v.amount, v.currency, v.occurred_at::timestamptz, ?::timestamptz, v.resource,"
            + " v.metadata::jsonb FROM v ORDER BY v.n ON CONFLICT DO NOTHING RETURNING event_id, hold_id, amount, occurred_at),"
            + " l AS (INSERT INTO ledger_event_lines (event_id, policy_id, amount) SELECT l.event_id, l.policy_id, l.amount"
            + " FROM unnest(?::uuid[], ?::uuid[], ?::numeric[]) AS l(event_id, policy_id, amount) JOIN e ON e.event_id = l.event_id),"
            + " h AS (UPDATE budget_holds b SET state = 'settled', actual = e.amount, closed_at = e.occurred_at FROM e"
            + " WHERE b.id = e.hold_id AND b.state = 'open')"
            + " SELECT event_id FROM e";

    private static Set<UUID> insert(Connection c, java.util.Collection<MeteringEvent> events, Instant recordedAt) throws SQLException {
        Set<UUID> inserted = new HashSet<>();
        if (events.isEmpty()) {
            return inserted;
        }
        ArrayColumns rows = new ArrayColumns(c);
        ArrayColumns lines = new ArrayColumns(c);
        for (MeteringEvent event : events) {
            rows.add(event.eventId(), event.agentId(), event.holdId(), event.cost().amount(), event.cost().currency().code(),
                    event.occurredAt().toString(), event.resource(), JsonMaps.write(event.metadata()));
            for (Map.Entry<UUID, BigDecimal> line : event.budgetLines().entrySet()) {
                lines.add(event.eventId(), line.getKey(), line.getValue());
            }
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            int next = rows.bind(ps, 1, "uuid", "uuid", "uuid", "numeric", "text", "text", "text", "text");
            Rows.setInstant(ps, next, recordedAt);
            lines.bind(ps, next + 1, "uuid", "uuid", "numeric");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return inserted;
    }

    /** Refuses, and takes out of {@code events}, those naming an agent or a budget policy that does not exist. */
    private void checkAgentsAndPolicies(Map<UUID, MeteringEvent> events, Map<UUID, InvalidEventException> refused) {
        Set<UUID> agents = new HashSet<>();
        Set<UUID> policies = new HashSet<>();
        for (MeteringEvent event : events.values()) {
            agents.add(event.agentId());
            policies.addAll(event.budgetLines().keySet());
        }
        Set<UUID> knownAgents = references.knownAgents(agents);
        Set<UUID> knownPolicies = policies.isEmpty() ? Set.of() : references.knownPolicies(policies);
        for (MeteringEvent event : events.values()) {
            if (!knownAgents.contains(event.agentId())) {
                refused.put(event.eventId(), new InvalidEventException(InvalidEventException.UNKNOWN_AGENT, "agent " + event.agentId() + " does not exist"));
            } else if (!knownPolicies.containsAll(event.budgetLines().keySet())) {
                refused.put(event.eventId(), new InvalidEventException(InvalidEventException.UNKNOWN_POLICY, "a budget line names a policy that does not exist"));
            }
        }
        refused.keySet().forEach(events::remove);
    }

    /**
     * Refuses, and takes out of {@code events}, those naming a hold that does not exist, is another agent's or in
     * another currency. Holds are read in the batch's transaction: unlike agents and policies, each is new.
     */
    private static void checkHolds(Connection c, Map<UUID, MeteringEvent> events, Map<UUID, InvalidEventException> refused) throws SQLException {
        Set<UUID> holds = new HashSet<>();
        for (MeteringEvent event : events.values()) {
            if (event.holdId() != null) {
                holds.add(event.holdId());
            }
        }
        if (holds.isEmpty()) {
            return;
        }
        Map<UUID, Object[]> holdFacts = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, agent_id, currency FROM budget_holds WHERE id = ANY (?)")) {
            ps.setArray(1, uuidArray(c, holds));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    holdFacts.put(Rows.uuid(rs, "id"), new Object[]{Rows.uuid(rs, "agent_id"), rs.getString("currency")});
                }
            }
        }
        for (MeteringEvent event : events.values()) {
            if (event.holdId() == null) {
                continue;
            }
            Object[] hold = holdFacts.get(event.holdId());
            InvalidEventException problem = null;
            if (hold == null) {
                problem = new InvalidEventException(InvalidEventException.CONTENT, "hold " + event.holdId() + " does not exist");
            } else if (!hold[0].equals(event.agentId())) {
                problem = new InvalidEventException(InvalidEventException.CONTENT, "hold " + event.holdId() + " belongs to another agent");
            } else if (!hold[1].equals(event.cost().currency().code())) {
                problem = new InvalidEventException(InvalidEventException.CONTENT, "hold " + event.holdId() + " is in " + hold[1]
                        + ", not " + event.cost().currency());
            }
            if (problem != null) {
                refused.put(event.eventId(), problem);
            }
        }
        refused.keySet().forEach(events::remove);
    }

    private static Map<UUID, MeteringEvent> existing(Connection c, List<UUID> eventIds) throws SQLException {
        Map<UUID, MeteringEvent> found = new HashMap<>();
        if (eventIds.isEmpty()) {
            return found;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, agent_id, hold_id, amount, currency FROM ledger_events WHERE event_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("uuid", eventIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.put(Rows.uuid(rs, "event_id"), new MeteringEvent(Rows.uuid(rs, "event_id"), Rows.uuid(rs, "agent_id"),
                            Rows.uuid(rs, "hold_id"), new io.caracal.core.money.Money(rs.getBigDecimal("amount"),
                            new io.caracal.core.money.CurrencyCode(rs.getString("currency"))), Instant.EPOCH, null, Map.of(), Map.of()));
                }
            }
        }
        return found;
    }

    /** The facts a redelivered event must repeat exactly; anything else under the same id is a conflict. */
    private static boolean sameCharge(MeteringEvent a, MeteringEvent b) {
        return a.agentId().equals(b.agentId()) && java.util.Objects.equals(a.holdId(), b.holdId())
                && a.cost().amount().compareTo(b.cost().amount()) == 0 && a.cost().currency().equals(b.cost().currency());
    }

    private static InvalidEventException conflict(UUID eventId, String what) {
        return new InvalidEventException(InvalidEventException.CONFLICT, "event " + eventId + " " + what);
    }

    static Set<UUID> ids(Connection c, String sql, Set<UUID> ids) throws SQLException {
        Set<UUID> found = new HashSet<>();
        if (ids.isEmpty()) {
            return found;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, uuidArray(c, ids));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add((UUID) rs.getObject(1));
                }
            }
        }
        return found;
    }

    private static Array uuidArray(Connection c, Set<UUID> ids) throws SQLException {
        return c.createArrayOf("uuid", ids.toArray());
    }

    /** Count and exact total per currency of the charges of an agent, or of it and all its descendants, that occurred in [from, to). */
    public Map<CurrencyCode, Totals> spend(UUID agentId, Instant from, Instant to, boolean withDescendants) {
        return db.transaction(c -> spend(c, agentId, from, to, withDescendants));
    }

    public static Map<CurrencyCode, Totals> spend(Connection c, UUID agentId, Instant from, Instant to, boolean withDescendants) throws SQLException {
        AgentStore.find(c, agentId).orElseThrow(() -> new NotFoundException("agent", agentId));
        String agents = withDescendants
                ? "WITH RECURSIVE tree(id) AS (SELECT ?::uuid UNION SELECT a.id FROM agents a JOIN tree t ON a.parent_id = t.id)"
                + " SELECT e.currency, count(*), sum(e.amount) FROM ledger_events e JOIN tree t ON e.agent_id = t.id"
                : "SELECT e.currency, count(*), sum(e.amount) FROM ledger_events e WHERE e.agent_id = ?";
        try (PreparedStatement ps = c.prepareStatement(agents + " AND e.occurred_at >= ? AND e.occurred_at < ? GROUP BY e.currency ORDER BY e.currency")) {
            ps.setObject(1, agentId);
            Rows.setInstant(ps, 2, from);
            Rows.setInstant(ps, 3, to);
            Map<CurrencyCode, Totals> totals = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    totals.put(new CurrencyCode(rs.getString(1)), new Totals(rs.getLong(2), rs.getBigDecimal(3)));
                }
            }
            return totals;
        }
    }

    /**
     * Hands every ledger event that occurred at or after {@code from} to {@code page}, oldest first, {@code pageSize}
     * at a time (one short transaction each, so a large ledger is never held in memory), with the charge's facts but
     * not its budget lines or metadata. Returns how many there were.
     */
    public long forEachSince(Instant from, int pageSize, java.util.function.Consumer<List<MeteringEvent>> page) {
        long seen = 0;
        // Keyset paging from just before the first possible row (times are stored to the microsecond).
        Instant afterTime = from.minus(1, java.time.temporal.ChronoUnit.MICROS);
        UUID afterId = new UUID(0, 0);
        while (true) {
            Instant time = afterTime;
            UUID id = afterId;
            List<MeteringEvent> events = db.transaction(c -> {
                List<MeteringEvent> found = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT event_id, agent_id, hold_id, amount, currency, occurred_at, resource"
                        + " FROM ledger_events WHERE occurred_at >= ? AND (occurred_at, event_id) > (?, ?) ORDER BY occurred_at, event_id LIMIT ?")) {
                    Rows.setInstant(ps, 1, from);
                    Rows.setInstant(ps, 2, time);
                    ps.setObject(3, id);
                    ps.setInt(4, pageSize);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            found.add(new MeteringEvent(Rows.uuid(rs, "event_id"), Rows.uuid(rs, "agent_id"), Rows.uuid(rs, "hold_id"),
                                    new io.caracal.core.money.Money(rs.getBigDecimal("amount"), new io.caracal.core.money.CurrencyCode(
                                            rs.getString("currency"))), Rows.instant(rs, "occurred_at"), rs.getString("resource"), Map.of(), Map.of()));
                        }
                    }
                }
                return found;
            });
            if (events.isEmpty()) {
                return seen;
            }
            page.accept(events);
            seen += events.size();
            afterTime = events.get(events.size() - 1).occurredAt();
            afterId = events.get(events.size() - 1).eventId();
        }
    }

    /** The charge recorded under {@code eventId}, with every field and budget line. */
    public Optional<LedgerRow> find(UUID eventId) {
        return db.transaction(c -> Optional.ofNullable(rows(c, List.of(eventId)).get(eventId)));
    }

    /** Count and exact total per currency of the whole ledger: what reconciliation compares. */
    public Map<String, Totals> totals() {
        return db.transaction(c -> {
            Map<String, Totals> totals = new java.util.TreeMap<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT currency, count(*), sum(amount) FROM ledger_events GROUP BY currency")) {
                while (rs.next()) {
                    totals.put(rs.getString(1), new Totals(rs.getLong(2), rs.getBigDecimal(3)));
                }
            }
            return totals;
        });
    }

    public record Totals(long count, BigDecimal amount) {
    }

    /**
     * An agent's charges that occurred in [from, to): the oldest {@code limit} of them, every field and budget line,
     * and how many there are in all, read in one query so the count and the rows agree.
     */
    public Charges charges(UUID agentId, Instant from, Instant to, int limit) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + ROW_COLUMNS + ", count(*) OVER () AS total FROM ledger_events e"
                    + " WHERE e.agent_id = ? AND e.occurred_at >= ? AND e.occurred_at < ? ORDER BY e.occurred_at, e.event_id LIMIT ?")) {
                ps.setObject(1, agentId);
                Rows.setInstant(ps, 2, from);
                Rows.setInstant(ps, 3, to);
                ps.setInt(4, limit);
                List<LedgerRow> rows = new ArrayList<>();
                long total = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(row(rs));
                        total = rs.getLong("total");
                    }
                }
                return new Charges(rows, total);
            }
        });
    }

    /** The oldest charges of a range, and how many the range holds ({@code total - rows.size()} were left out). */
    public record Charges(List<LedgerRow> rows, long total) {
        public Charges {
            rows = List.copyOf(rows);
        }
    }

    /** The ledger events with these ids, every field and budget line, in one query. */
    static Map<UUID, LedgerRow> rows(Connection c, List<UUID> ids) throws SQLException {
        Map<UUID, LedgerRow> rows = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return rows;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + ROW_COLUMNS + " FROM ledger_events e WHERE e.event_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    LedgerRow row = row(rs);
                    rows.put(row.eventId(), row);
                }
            }
        }
        return rows;
    }

    static LedgerRow row(ResultSet rs) throws SQLException {
        UUID[] policies = (UUID[]) rs.getArray("line_policies").getArray();
        BigDecimal[] amounts = (BigDecimal[]) rs.getArray("line_amounts").getArray();
        Map<UUID, BigDecimal> lines = new HashMap<>();
        for (int i = 0; i < policies.length; i++) {
            lines.put(policies[i], amounts[i]);
        }
        return new LedgerRow(Rows.uuid(rs, "event_id"), Rows.uuid(rs, "agent_id"), Rows.uuid(rs, "hold_id"), rs.getBigDecimal("amount"),
                rs.getString("currency"), Rows.instant(rs, "occurred_at"), Rows.instant(rs, "recorded_at"), rs.getString("resource"),
                JsonMaps.read(rs.getString("metadata")), lines);
    }
}
