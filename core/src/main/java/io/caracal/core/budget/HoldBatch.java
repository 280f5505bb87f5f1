package io.caracal.core.budget;

import io.caracal.core.event.MeteringEvent;
import io.caracal.core.event.OutboxEvent;
import io.caracal.core.store.ArrayColumns;
import io.caracal.core.store.JsonMaps;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Any number of hold writes as at most four SQL statements, whatever the number of writes: one per kind, each
 * taking its rows as arrays ({@code unnest}) and doing everything that kind writes (hold, lines, ledger row,
 * events) in data-modifying CTEs. A batch costs a handful of round trips, not a handful per write. The database adds a
 * settle statement's ledger lines to the per-minute spend totals ({@link io.caracal.core.ledger.SpendTotals}) in that statement.
 */
final class HoldBatch {
    /**
     * A write as the rows it puts in the database, and nothing else: what {@link SpendJournal} keeps while the database
     * is unreachable, and replays into it later, is exactly what the statements below bind.
     */
    sealed interface Write permits Open, Settle, Close, Record {
    }

    /** What a hold or charge counts against one budget. */
    record Line(UUID policyId, BigDecimal amount) {
        static List<Line> of(List<BudgetLine> lines) {
            return lines.stream().map(line -> new Line(line.policy().id(), line.amount())).toList();
        }
    }

    /** {@code degraded}: allowed by the gateway's degraded mode, so it may wait in the journal while the database is unreachable. */
    record Open(UUID holdId, UUID agentId, String currency, BigDecimal estimate, Instant createdAt, Instant expiresAt, String requestId,
                List<Line> lines, boolean degraded) implements Write {
        static Open of(Hold hold, String requestId, boolean degraded) {
            return new Open(hold.id(), hold.agentId(), hold.estimate().currency().code(), hold.estimate().amount(), hold.createdAt(),
                    hold.expiresAt(), requestId, Line.of(hold.lines()), degraded);
        }
    }

    /** A charge with its ledger row; {@code metering} and {@code decision} (null for none) are its events. */
    record Settle(UUID holdId, UUID eventId, UUID agentId, BigDecimal actual, String currency, Instant occurredAt, String resource,
                  String metadata, List<Line> lines, OutboxEvent metering, OutboxEvent decision) implements Write {
        static Settle of(Settlement s, MeteringEvent m, OutboxEvent decision) {
            return new Settle(s.holdId(), s.eventId(), s.agentId(), s.actual().amount(), s.actual().currency().code(), s.occurredAt(),
                    m.resource(), JsonMaps.write(m.metadata()), Line.of(s.lines()), m.outboxEvent(), decision);
        }
    }

    record Close(UUID holdId, HoldState state, Instant at, OutboxEvent decision) implements Write {
    }

    record Record(OutboxEvent event) implements Write {
    }

    private static final String OPEN = "WITH h AS (INSERT INTO budget_holds (id, agent_id, currency, estimate, created_at, expires_at, state,"
            + " request_id) SELECT id, agent_id, currency, estimate, created_at::timestamptz, expires_at::timestamptz, 'open', request_id"
            + " FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::numeric[], ?::text[], ?::text[], ?::text[])"
            // A hold already there is a journal replayed again (see SpendJournal): it and its lines stay as they are.
            + " AS v(id, agent_id, currency, estimate, created_at, expires_at, request_id) ON CONFLICT (id) DO NOTHING RETURNING id)"
            + " INSERT INTO budget_hold_lines (hold_id, policy_id, amount) SELECT l.hold_id, l.policy_id, l.amount"
            + " FROM unnest(?::uuid[], ?::uuid[], ?::numeric[]) AS l(hold_id, policy_id, amount) JOIN h ON h.id = l.hold_id";

    /** The events of the writes that took effect: joined to the ids a CTE named {@code done} returns. */
    private static final String EVENTS = "INSERT INTO event_outbox (event_id, topic, event_key, event_type, schema_fingerprint, payload, created_at)"
            + " SELECT o.event_id, o.topic, o.event_key, o.event_type, o.fingerprint, o.payload, o.created_at::timestamptz"
            + " FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bytea[], ?::text[])"
            + " AS o(hold_id, event_id, topic, event_key, event_type, fingerprint, payload, created_at)"
            + " JOIN done ON done.id = o.hold_id ON CONFLICT (event_id) DO NOTHING";

    private static final String SETTLE = "WITH v AS (SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::numeric[], ?::text[], ?::text[],"
            + " ?::text[], ?::text[]) AS v(hold_id, event_id, agent_id, actual, currency, occurred_at, resource, metadata)),"
            + " done AS (UPDATE budget_holds h SET state = 'settled', actual = v.actual, closed_at = v.occurred_at::timestamptz FROM v"
            + " WHERE h.id = v.hold_id AND h.state = 'open' RETURNING h.id),"
            + " e AS (INSERT INTO ledger_events (event_id, agent_id, hold_id, amount, currency, occurred_at, recorded_at, resource, metadata)"
            + " SELECT v.event_id, v.agent_id, v.hold_id, v.actual, v.currency, v.occurred_at::timestamptz, v.occurred_at::timestamptz,"
            + " v.resource, v.metadata::jsonb FROM v JOIN done ON done.id = v.hold_id RETURNING event_id),"
            + " l AS (INSERT INTO ledger_event_lines (event_id, policy_id, amount) SELECT l.event_id, l.policy_id, l.amount"
            + " FROM unnest(?::uuid[], ?::uuid[], ?::numeric[]) AS l(event_id, policy_id, amount) JOIN e ON e.event_id = l.event_id),"
            + " o AS (" + EVENTS + ")"
            + " SELECT id FROM done";

    private static final String CLOSE = "WITH done AS (UPDATE budget_holds h SET state = v.state, closed_at = v.at::timestamptz"
            + " FROM unnest(?::uuid[], ?::text[], ?::text[]) AS v(hold_id, state, at) WHERE h.id = v.hold_id AND h.state = 'open' RETURNING h.id),"
            + " o AS (" + EVENTS + ")"
            + " SELECT id FROM done";

    private static final String RECORD = "WITH done AS (SELECT NULL::uuid AS id) " + EVENTS.replace("JOIN done ON done.id = o.hold_id", "");

    private HoldBatch() {
    }

    /** How many statements {@link #run} sends for {@code writes}: one per kind present. */
    static int statements(List<? extends Write> writes) {
        return (int) writes.stream().map(Object::getClass).distinct().count();
    }

    /** Runs the writes on {@code c}; returns, in their order, whether each took effect (a settle or close finds its hold open). */
    static boolean[] run(Connection c, List<? extends Write> writes) throws SQLException {
        List<Open> opens = new ArrayList<>();
        List<Settle> settles = new ArrayList<>();
        List<Close> closes = new ArrayList<>();
        List<Record> records = new ArrayList<>();
        for (Write write : writes) {
            if (write instanceof Open o) {
                opens.add(o);
            } else if (write instanceof Settle s) {
                settles.add(s);
            } else if (write instanceof Close x) {
                closes.add(x);
            } else {
                records.add((Record) write);
            }
        }
        Set<UUID> done = new HashSet<>();
        if (!opens.isEmpty()) {
            open(c, opens);
        }
        if (!settles.isEmpty()) {
            done.addAll(settle(c, settles));
        }
        if (!closes.isEmpty()) {
            done.addAll(close(c, closes));
        }
        if (!records.isEmpty()) {
            record(c, records);
        }
        boolean[] took = new boolean[writes.size()];
        for (int i = 0; i < took.length; i++) {
            Write write = writes.get(i);
            took[i] = write instanceof Settle s ? done.contains(s.holdId())
                    : !(write instanceof Close x) || done.contains(x.holdId());
        }
        return took;
    }

    private static void open(Connection c, List<Open> opens) throws SQLException {
        ArrayColumns holds = new ArrayColumns(c);
        ArrayColumns lines = new ArrayColumns(c);
        for (Open open : opens) {
            holds.add(open.holdId(), open.agentId(), open.currency(), open.estimate(), open.createdAt().toString(), open.expiresAt().toString(),
                    open.requestId());
            for (Line line : open.lines()) {
                lines.add(open.holdId(), line.policyId(), line.amount());
            }
        }
        try (PreparedStatement ps = c.prepareStatement(OPEN)) {
            int next = holds.bind(ps, 1, "uuid", "uuid", "text", "numeric", "text", "text", "text");
            lines.bind(ps, next, "uuid", "uuid", "numeric");
            ps.executeUpdate();
        }
    }

    private static Set<UUID> settle(Connection c, List<Settle> settles) throws SQLException {
        ArrayColumns charges = new ArrayColumns(c);
        ArrayColumns lines = new ArrayColumns(c);
        ArrayColumns events = new ArrayColumns(c);
        for (Settle s : settles) {
            charges.add(s.holdId(), s.eventId(), s.agentId(), s.actual(), s.currency(), s.occurredAt().toString(), s.resource(), s.metadata());
            for (Line line : s.lines()) {
                lines.add(s.eventId(), line.policyId(), line.amount());
            }
            event(events, s.holdId(), s.decision());
            event(events, s.holdId(), s.metering());
        }
        try (PreparedStatement ps = c.prepareStatement(SETTLE)) {
            int next = charges.bind(ps, 1, "uuid", "uuid", "uuid", "numeric", "text", "text", "text", "text");
            next = lines.bind(ps, next, "uuid", "uuid", "numeric");
            bindEvents(events, ps, next);
            return ids(ps);
        }
    }

    private static Set<UUID> close(Connection c, List<Close> closes) throws SQLException {
        ArrayColumns holds = new ArrayColumns(c);
        ArrayColumns events = new ArrayColumns(c);
        for (Close close : closes) {
            holds.add(close.holdId(), close.state().label(), close.at().toString());
            event(events, close.holdId(), close.decision());
        }
        try (PreparedStatement ps = c.prepareStatement(CLOSE)) {
            bindEvents(events, ps, holds.bind(ps, 1, "uuid", "text", "text"));
            return ids(ps);
        }
    }

    private static void record(Connection c, List<Record> records) throws SQLException {
        ArrayColumns events = new ArrayColumns(c);
        records.forEach(r -> event(events, null, r.event()));
        try (PreparedStatement ps = c.prepareStatement(RECORD)) {
            bindEvents(events, ps, 1);
            ps.executeUpdate();
        }
    }

    private static void event(ArrayColumns events, UUID holdId, OutboxEvent event) {
        if (event != null) {
            events.add(holdId, event.eventId(), event.topic(), event.key(), event.type(), event.schemaFingerprint(), event.payload(),
                    event.createdAt().toString());
        }
    }

    private static void bindEvents(ArrayColumns events, PreparedStatement ps, int from) throws SQLException {
        events.bind(ps, from, "uuid", "uuid", "text", "text", "text", "text", "bytea", "text");
    }

    private static Set<UUID> ids(PreparedStatement ps) throws SQLException {
        Set<UUID> ids = new HashSet<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        }
        return ids;
    }
}
