package io.caracal.core.pricing;

import io.caracal.core.store.Database;
import io.caracal.core.store.Rows;
import io.caracal.core.error.ConflictException;
import io.caracal.core.error.InvalidInputException;
import io.caracal.core.error.NotFoundException;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;


import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The versioned pricebook. Entries are only ever added (the table rejects UPDATE and DELETE); the price of a
 * resource at an instant is its latest entry effective at or before that instant. Back-dating is refused:
 * it would silently change what past charges should have cost.
 */
public final class PricebookStore implements Prices {
    private static final String COLUMNS = "resource_key, unit_price, currency, effective_from, recorded_at";

    private final Database db;
    private final Clock clock;

    public PricebookStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public PriceEntry set(PriceDraft draft) {
        return importAll(List.of(draft)).get(0);
    }

    /** Records every price in one transaction: all of them or, on any error, none. */
    public List<PriceEntry> importAll(List<PriceDraft> drafts) {
        Instant now = Rows.now(clock);
        List<PriceEntry> entries = drafts.stream().map(d -> entryOf(d, now)).toList();
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO pricebook_entries (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)")) {
                for (PriceEntry entry : entries) {
                    ps.setString(1, entry.resourceKey());
                    ps.setBigDecimal(2, entry.unitPrice().amount());
                    ps.setString(3, entry.unitPrice().currency().code());
                    Rows.setInstant(ps, 4, entry.effectiveFrom());
                    Rows.setInstant(ps, 5, now);
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (SQLException e) {
                if (isUniqueViolation(e)) {
                    throw new ConflictException("a price for the same resource and effective time already exists" + duplicateKey(e));
                }
                throw e;
            }
            return entries;
        });
    }

    private PriceEntry entryOf(PriceDraft draft, Instant now) {
        Instant from = draft.effectiveFrom() == null ? now : draft.effectiveFrom().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        if (from.isBefore(now)) {
            throw new InvalidInputException("effective time " + from + " of " + draft.resourceKey() + " is in the past: prices cannot be back-dated");
        }
        return new PriceEntry(draft.resourceKey(), draft.unitPrice(), from, now);
    }

    /** The price of every resource in force at {@code at}. */
    public List<PriceEntry> pricesAt(Instant at) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT ON (resource_key) " + COLUMNS
                    + " FROM pricebook_entries WHERE effective_from <= ? ORDER BY resource_key, effective_from DESC")) {
                Rows.setInstant(ps, 1, at);
                return readAll(ps);
            }
        });
    }

    @Override
    public Optional<PriceEntry> entryAt(String resourceKey, Instant at) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM pricebook_entries WHERE resource_key = ?"
                    + " AND effective_from <= ? ORDER BY effective_from DESC LIMIT 1")) {
                ps.setString(1, resourceKey);
                Rows.setInstant(ps, 2, at);
                return readAll(ps).stream().findFirst();
            }
        });
    }

    public List<PriceEntry> currentPrices() {
        return pricesAt(Rows.now(clock));
    }

    /** Every entry of one resource, scheduled ones included, oldest first. */
    public List<PriceEntry> history(String resourceKey) {
        String key = PriceDraft.resourceKey(resourceKey);
        List<PriceEntry> entries = schedule(key);
        if (entries.isEmpty()) {
            throw new NotFoundException("resource", key);
        }
        return entries;
    }

    /** Every entry of one resource key as stored, scheduled ones included, oldest first; none when it has no price. */
    public List<PriceEntry> schedule(String resourceKey) {
        return db.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM pricebook_entries WHERE resource_key = ? ORDER BY effective_from")) {
                ps.setString(1, resourceKey);
                return readAll(ps);
            }
        });
    }

    /** PostgreSQL names the clashing key in its detail line: "Key (resource_key, effective_from)=(…) already exists." */
    private static String duplicateKey(SQLException e) {
        for (SQLException cause = e; cause != null; cause = cause.getNextException()) {
            String message = cause.getMessage() == null ? "" : cause.getMessage();
            int start = message.indexOf("=(");
            int end = message.indexOf(") already exists");
            if (start >= 0 && end > start) {
                return ": " + message.substring(start + 2, end);
            }
        }
        return "";
    }

    private static boolean isUniqueViolation(SQLException e) {
        for (SQLException cause = e; cause != null; cause = cause.getNextException()) {
            if (Rows.isUniqueViolation(cause, "pricebook_entries_resource_start_key")) {
                return true;
            }
        }
        return false;
    }

    private static List<PriceEntry> readAll(PreparedStatement ps) throws SQLException {
        List<PriceEntry> entries = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                entries.add(new PriceEntry(rs.getString("resource_key"),
                        new Money(rs.getBigDecimal("unit_price"), new CurrencyCode(rs.getString("currency"))),
                        Rows.instant(rs, "effective_from"), Rows.instant(rs, "recorded_at")));
            }
        }
        return entries;
    }
}
