package io.caracal.core.pricing;

import io.caracal.core.error.InvalidInputException;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The prices of one import file, collected as its reader reads them, with the checks every file format shares: a
 * resource priced twice from the same instant, too many prices and no price at all are refused, naming where.
 */
final class ImportedPrices {
    private static final int MAX_PRICES = 100_000;

    private final String format;
    private final String unit;
    private final List<PriceDraft> drafts = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();

    /** {@code format} and {@code unit} word the errors: "CSV has more than 100000 rows". */
    ImportedPrices(String format, String unit) {
        this.format = format;
        this.unit = unit;
    }

    void add(String where, PriceDraft draft) {
        if (drafts.size() >= MAX_PRICES) {
            throw new InvalidInputException(format + " has more than " + MAX_PRICES + " " + unit);
        }
        if (!seen.add(draft.resourceKey() + "@" + draft.effectiveFrom())) {
            throw new InvalidInputException(where + ": " + draft.resourceKey() + " is priced twice"
                    + (draft.effectiveFrom() == null ? "" : " from " + draft.effectiveFrom()));
        }
        drafts.add(draft);
    }

    List<PriceDraft> drafts() {
        if (drafts.isEmpty()) {
            throw new InvalidInputException(format + " holds no prices");
        }
        return List.copyOf(drafts);
    }

    /** An {@code effective_from} as a file gives it: empty means from now (null). */
    static Instant effectiveFrom(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("effective_from must be an ISO-8601 UTC time such as 2026-01-01T00:00:00Z");
        }
    }
}
