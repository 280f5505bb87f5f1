package io.caracal.core.receipt;

import io.caracal.core.budget.Settlement;
import io.caracal.core.ledger.LedgerRow;
import io.caracal.core.money.CurrencyCode;
import io.caracal.core.money.Money;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What a signed receipt says about one charge: the ledger event, the agent charged, the exact amount, the price version
 * it was priced with (null when none was recorded), when it occurred, and the key that signs it ({@link ReceiptSigner#keyId}).
 */
public record Receipt(UUID eventId, UUID agentId, Money amount, String priceVersion, Instant time, String keyId) {
    /** The metadata key under which a charge's price version is recorded in the ledger. */
    public static final String PRICE_VERSION = "price_version";

    public Receipt {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(amount, "amount");
        Objects.requireNonNull(time, "time");
        if (keyId == null || !keyId.matches("[0-9a-f]{8}")) {
            throw new IllegalArgumentException("a receipt key id is 8 lower-case hex digits, got " + keyId);
        }
    }

    /** The receipt of a charge the budget engine just settled. */
    public static Receipt of(Settlement settlement, String priceVersion, String keyId) {
        return new Receipt(settlement.eventId(), settlement.agentId(), settlement.actual(), priceVersion, settlement.occurredAt(), keyId);
    }

    /** The receipt of a charge as the ledger records it. */
    public static Receipt of(LedgerRow row, String keyId) {
        return new Receipt(row.eventId(), row.agentId(), new Money(row.amount(), new CurrencyCode(row.currency())),
                row.metadata().get(PRICE_VERSION), row.occurredAt(), keyId);
    }

    /**
     * Where {@code row}, the ledger's record of this receipt's event, says something else about the charge: the agent,
     * the amount, the currency or the time. Empty when they agree. The price version is not compared: the ledger keeps
     * it only as metadata, which the receipt does not depend on.
     */
    public List<String> disagreementsWith(LedgerRow row) {
        Receipt recorded = of(row, keyId);
        List<String> differences = new ArrayList<>();
        if (!agentId.equals(recorded.agentId)) {
            differences.add("agent " + agentId + " in the receipt, " + recorded.agentId + " in the ledger");
        }
        if (!amount.equals(recorded.amount)) {
            differences.add("amount " + amount + " in the receipt, " + recorded.amount + " in the ledger");
        }
        if (!time.equals(recorded.time)) {
            differences.add("time " + time + " in the receipt, " + recorded.time + " in the ledger");
        }
        return differences;
    }
}
