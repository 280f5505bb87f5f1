package io.caracal.cli.ledger;

import io.caracal.core.ledger.LedgerRow;
import io.caracal.core.money.Money;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.serde.config.naming.SnakeCaseStrategy;

import java.util.Map;
import java.util.TreeMap;

/**
 * One charge as {@code ledger query --charges -o json} lists it: every field of its ledger row, named as in a ledger
 * bundle, and the whole metadata map (how it was priced), so a script can recompute it.
 */
@Serdeable(naming = SnakeCaseStrategy.class)
record ChargeView(String eventId, String agentId, String holdId, String amount, String currency, String occurredAt, String recordedAt,
                  String resource, Map<String, String> metadata, Map<String, String> budgetLines) {
    static ChargeView of(LedgerRow row) {
        Map<String, String> lines = new TreeMap<>();
        row.lines().forEach((policyId, amount) -> lines.put(policyId.toString(), Money.plain(amount)));
        return new ChargeView(row.eventId().toString(), row.agentId().toString(), row.holdId() == null ? null : row.holdId().toString(),
                Money.plain(row.amount()), row.currency(), row.occurredAt().toString(), row.recordedAt().toString(), row.resource(),
                new TreeMap<>(row.metadata()), lines);
    }
}
