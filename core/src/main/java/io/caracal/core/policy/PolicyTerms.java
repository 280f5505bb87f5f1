package io.caracal.core.policy;

import io.caracal.core.error.InvalidInputException;
import io.caracal.core.money.Money;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The part of a policy an operator chooses and may later change: limit, window and time zone.
 * The constructor holds every rule that needs no stored data.
 */
public record PolicyTerms(Money limit, TimeWindow timeWindow, WindowType windowType, ZoneId timeZone) {
    /** The largest limit, and the largest single charge, the budget engine counts exactly (see Nanos). */
    public static final java.math.BigDecimal MAX_LIMIT = io.caracal.core.money.Nanos.MAX_AMOUNT;

    public PolicyTerms {
        if (limit == null || limit.isZero()) {
            throw new InvalidInputException("limit must be greater than zero");
        }
        if (limit.amount().compareTo(MAX_LIMIT) > 0) {
            // The budget engine counts in exact 64-bit nano-units; this bound keeps every sum inside them.
            throw new InvalidInputException("limit " + limit.amountText() + " is above the maximum of " + MAX_LIMIT.toPlainString());
        }
        if (timeWindow == null || windowType == null) {
            throw new InvalidInputException("time window and window type are required");
        }
        if (timeZone != null && windowType == WindowType.ROLLING) {
            throw new InvalidInputException("a time zone applies only to calendar windows; rolling windows trail the present");
        }
        // UTC written out is the default, not a zone: keep one representation so equal policies compare equal.
        if (timeZone != null && timeZone.normalized().equals(ZoneOffset.UTC)) {
            timeZone = null;
        }
    }

    /** An IANA zone name such as Europe/Berlin; bare offsets (+02:00) and abbreviations (CET) are refused. */
    public static ZoneId parseZone(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String name = text.trim();
        if (!name.equals("UTC") && !name.contains("/")) {
            throw new InvalidInputException("time zone must be an IANA name such as Europe/Berlin, got '" + text + "'");
        }
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            throw new InvalidInputException("unknown time zone '" + text + "'");
        }
    }
}
