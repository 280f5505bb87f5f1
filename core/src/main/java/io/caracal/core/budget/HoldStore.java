package io.caracal.core.budget;

import io.caracal.core.ledger.LedgerStore;
import io.caracal.core.ledger.SpendTotals;
import io.caracal.core.policy.PolicyStore;
import io.caracal.core.store.Database;
import io.caracal.core.store.Rows;
import io.caracal.core.money.Nanos;
import io.caracal.core.error.ConflictException;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;
import io.caracal.core.policy.BudgetPolicy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Holds and settled charges in PostgreSQL, the source of truth behind the Redis counters. Every hold is
 * written here before Redis counts it, and every settlement before Redis adds it, so a rebuild from these
 * tables always includes everything Redis could have counted. A settlement's metering event is appended to
 * the outbox in the same transaction, so the two are never out of step.
 */
public final class HoldStore extends HoldWrites {
    private final Database db;

    public HoldStore(Database db) {
        this.db = db;
    }

    @Override
    boolean write(HoldBatch.Write write) {
        return write(List.of(write))[0];
    }

    /** Writes a batch: atomically when it takes more than one statement, else in the statement's own commit (one round trip less). */
    boolean[] write(List<? extends HoldBatch.Write> writes) {
        return HoldBatch.statements(writes) > 1 ? db.transaction(c -> HoldBatch.run(c, writes)) : db.statement(c -> HoldBatch.run(c, writes));
    }

    /** Journal records (see {@link GroupCommitWriter}), in order and in one transaction. */
    void replay(List<List<HoldBatch.Write>> records) {
        db.transaction(c -> {
            for (List<HoldBatch.Write> record : records) {
                HoldBatch.run(c, record);
            }
            return null;
        });
    }

    public Hold get(UUID holdId) {
        return db.transaction(c -> find(c, holdId, false));
    }

    /**
     * Records the charge for a hold, its metering event and the hold's closing, in one transaction; settling
     * again returns the first settlement unchanged. A hold that expired can still be settled: the spend happened.
     */
    public Settlement settle(UUID holdId, UUID eventId, Money actual, Instant at, java.util.function.Function<Hold, List<BudgetLine>> charge,
                             java.util.function.Function<Settlement, io.caracal.core.event.MeteringEvent> event) {
        return db.transaction(c -> {
            Hold hold = find(c, holdId, true);
            // Checked on a repeated settle too: a retry with a different currency is a caller's error, not a no-op.
            List<BudgetLine> lines = charge.apply(hold);
            switch (hold.state()) {
                case SETTLED -> {
                    return recorded(c, hold);
                }
                case VOIDED, DENIED -> throw new ConflictException("hold " + holdId + " is " + hold.state().label() + " and cannot be settled");
                case OPEN -> {
                    // settled below
                }
            }
            Settlement settlement = new Settlement(eventId, holdId, hold.agentId(), actual, at, lines, false);
            // The hold is locked and open: the same statement the gateway's settlements use records it.
            HoldBatch.run(c, List.of(HoldBatch.Settle.of(settlement, event.apply(settlement), null)));
            return settlement;
        });
    }

    /** A forwarded call's hold that expired open: the call's request id and the amount it held. */
    public record ExpiredCall(UUID holdId, String requestId, Money amount) {
    }

    /** Up to {@code max} forwarded calls' holds still open after they expired, oldest first. */
    public List<ExpiredCall> expiredCalls(Instant now, int max) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, request_id, estimate, currency FROM budget_holds WHERE state = 'open'"
                    + " AND request_id IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?")) {
                Rows.setInstant(ps, 1, now);
                ps.setInt(2, max);
                List<ExpiredCall> expired = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        expired.add(new ExpiredCall(Rows.uuid(rs, "id"), rs.getString("request_id"), new Money(rs.getBigDecimal("estimate"), new CurrencyCode(rs.getString("currency")))));
                    }
                }
                return expired;
            }
        });
    }

    /** Everything a budget's Redis figures are made of at {@code now}, read in one consistent snapshot. */
    public BudgetCounters.RebuildState rebuildState(BudgetPolicy policy, Instant now) {
        List<Buckets.Bucket> buckets = Buckets.window(policy, now);
        return db.transaction(c -> {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            // Summed per bucket from the ledger's per-minute totals: a rebuild reads at most a row per minute of the
            // window, not a row per charge. The buckets are contiguous, so their starts and the last end bound them all.
            List<Instant> bounds = new ArrayList<>(buckets.stream().map(Buckets.Bucket::start).toList());
            bounds.add(buckets.get(buckets.size() - 1).end());
            BigDecimal[] spent = SpendTotals.between(c, policy.id(), bounds);
            List<BudgetCounters.BucketSpend> bucketSpend = new ArrayList<>();
            for (int i = 0; i < buckets.size(); i++) {
                Buckets.Bucket b = buckets.get(i);
                bucketSpend.add(new BudgetCounters.BucketSpend(b.id(), Nanos.of(spent[i]), b.keep()));
            }
            List<BudgetCounters.OpenHold> open = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT h.id, l.amount, h.expires_at FROM budget_holds h"
                    + " JOIN budget_hold_lines l ON l.hold_id = h.id WHERE l.policy_id = ? AND h.state = 'open' AND h.expires_at > ?")) {
                ps.setObject(1, policy.id());
                Rows.setInstant(ps, 2, now);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        open.add(new BudgetCounters.OpenHold(Rows.uuid(rs, "id"), Nanos.of(rs.getBigDecimal("amount")), Rows.instant(rs, "expires_at")));
                    }
                }
            }
            List<BudgetCounters.ClosedHold> closed = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT h.id, h.closed_at FROM budget_holds h JOIN budget_hold_lines l ON l.hold_id = h.id"
                    + " WHERE l.policy_id = ? AND h.state IN ('settled', 'voided') AND h.closed_at > ?")) {
                ps.setObject(1, policy.id());
                Rows.setInstant(ps, 2, now.minus(BudgetCounters.CLOSED_RETENTION));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        closed.add(new BudgetCounters.ClosedHold(Rows.uuid(rs, "id"), Rows.instant(rs, "closed_at")));
                    }
                }
            }
            return new BudgetCounters.RebuildState(bucketSpend, open, closed);
        });
    }

    /** Deletes up to {@code max} of the ledger's per-minute spend totals of minutes before {@code before}; returns how many. */
    public int forgetSpendTotals(Instant before, int max) {
        return db.statement(c -> SpendTotals.forget(c, before, max));
    }

    /** Total settled spend per currency of an agent, or of it and all its descendants, in [from, to). */
    public Map<CurrencyCode, BigDecimal> spend(UUID agentId, Instant from, Instant to, boolean withDescendants) {
        Map<CurrencyCode, BigDecimal> totals = new LinkedHashMap<>();
        db.transaction(c -> LedgerStore.spend(c, agentId, from, to, withDescendants))
                .forEach((currency, spend) -> totals.put(currency, spend.amount()));
        return totals;
    }

    private Settlement recorded(Connection c, Hold hold) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, amount, currency, occurred_at FROM ledger_events WHERE hold_id = ?")) {
            ps.setObject(1, hold.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                UUID eventId = Rows.uuid(rs, "event_id");
                Money actual = new Money(rs.getBigDecimal("amount"), new CurrencyCode(rs.getString("currency")));
                Instant at = Rows.instant(rs, "occurred_at");
                return new Settlement(eventId, hold.id(), hold.agentId(), actual, at, lines(c, "ledger_event_lines", "event_id", eventId), true);
            }
        }
    }

    private Hold find(Connection c, UUID holdId, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM budget_holds WHERE id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setObject(1, holdId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("hold", holdId);
                }
                return new Hold(holdId, Rows.uuid(rs, "agent_id"),
                        new Money(rs.getBigDecimal("estimate"), new CurrencyCode(rs.getString("currency"))),
                        Rows.instant(rs, "created_at"), Rows.instant(rs, "expires_at"), HoldState.fromLabel(rs.getString("state")),
                        lines(c, "budget_hold_lines", "hold_id", holdId));
            }
        }
    }

    private static List<BudgetLine> lines(Connection c, String table, String key, UUID id) throws SQLException {
        List<BudgetLine> lines = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT l.amount, p.* FROM " + table + " l JOIN budget_policies p ON p.id = l.policy_id"
                + " WHERE l." + key + " = ? ORDER BY l.policy_id")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(new BudgetLine(PolicyStore.policyRow(rs, "id", "created_at", "updated_at"), rs.getBigDecimal("amount")));
                }
            }
        }
        return lines;
    }

}
