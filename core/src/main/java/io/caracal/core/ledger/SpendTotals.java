package io.caracal.core.ledger;

import io.caracal.core.store.Rows;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The ledger's settled spend per budget and minute ({@code ledger_spend_totals}): a window's spend read from at most
 * one row per minute instead of one per charge. The database keeps it in step with the ledger: a trigger adds every
 * statement's ledger lines in that statement, whoever writes them (migration V10 says why there and why a minute).
 */
public final class SpendTotals {
    private SpendTotals() {
    }

    /**
     * The settled spend of {@code policyId} in each range between consecutive {@code bounds} (ascending), read in the
     * caller's transaction. Refuses a bound inside a minute: that minute's spend could belong to either side.
     */
    public static BigDecimal[] between(Connection c, UUID policyId, List<Instant> bounds) throws SQLException {
        for (Instant bound : bounds) {
            if (!bound.truncatedTo(ChronoUnit.MINUTES).equals(bound)) {
                throw new IllegalArgumentException("spend totals are kept per minute and cannot be summed from " + bound);
            }
        }
        BigDecimal[] sums = new BigDecimal[bounds.size() - 1];
        Arrays.fill(sums, BigDecimal.ZERO);
        // width_bucket numbers the range a slot falls in from 1; the WHERE keeps to the ranges asked for.
        try (PreparedStatement ps = c.prepareStatement("SELECT width_bucket(slot, ?::timestamptz[]) AS range, sum(amount) AS amount"
                + " FROM ledger_spend_totals WHERE policy_id = ? AND slot >= ? AND slot < ? GROUP BY 1")) {
            ps.setArray(1, c.createArrayOf("text", bounds.stream().map(Instant::toString).toArray()));
            ps.setObject(2, policyId);
            Rows.setInstant(ps, 3, bounds.get(0));
            Rows.setInstant(ps, 4, bounds.get(bounds.size() - 1));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sums[rs.getInt("range") - 1] = rs.getBigDecimal("amount");
                }
            }
        }
        return sums;
    }

    /** Deletes up to {@code max} totals of minutes before {@code before}, in one statement of the caller's; returns how many. */
    public static int forget(Connection c, Instant before, int max) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM ledger_spend_totals WHERE (policy_id, slot) IN"
                + " (SELECT policy_id, slot FROM ledger_spend_totals WHERE slot < ? LIMIT ?)")) {
            Rows.setInstant(ps, 1, before);
            ps.setInt(2, max);
            return ps.executeUpdate();
        }
    }
}
