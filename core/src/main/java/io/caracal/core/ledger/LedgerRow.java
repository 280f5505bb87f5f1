package io.caracal.core.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** A ledger event with every field it is recorded with: what a Merkle leaf covers. */
public record LedgerRow(UUID eventId, UUID agentId, UUID holdId, BigDecimal amount, String currency, Instant occurredAt, Instant recordedAt,
                        String resource, Map<String, String> metadata, Map<UUID, BigDecimal> lines) {
    public LedgerRow {
        metadata = Map.copyOf(metadata);
        lines = Map.copyOf(lines);
    }
}
