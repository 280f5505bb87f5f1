package io.caracal.core.ledger;

import io.caracal.core.ledger.LedgerSnapshot.AgentTotal;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LedgerSnapshotTest {
    private static final UUID A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID B = UUID.fromString("00000000-0000-0000-0000-00000000000b");

    private static AgentTotal total(UUID agent, String currency, long count, String amount) {
        return new AgentTotal(agent, currency, count, new BigDecimal(amount));
    }

    @Test
    void equalTotalsDifferInNothingWhateverTheScaleOrOrder() {
        assertEquals(List.of(), LedgerSnapshot.differences(List.of(total(A, "USD", 2, "3.750000000"), total(B, "EUR", 1, "1")),
                List.of(total(B, "EUR", 1, "1.000000000"), total(A, "USD", 2, "3.75"))));
    }

    @Test
    void everyChangedMissingOrNewTotalIsNamed() {
        List<String> differences = LedgerSnapshot.differences(
                List.of(total(A, "USD", 2, "3.750000000"), total(A, "EUR", 1, "1"), total(B, "USD", 1, "0.000000001")),
                List.of(total(A, "USD", 2, "3.750000001"), total(B, "USD", 2, "0.000000002"), total(B, "EUR", 1, "5")));
        assertEquals(List.of(
                "agent " + A + " EUR: 1 event(s) totalling 1 in the snapshot, none in the ledger",
                "agent " + A + " USD: 2 event(s) totalling 3.750000000 in the snapshot, 2 event(s) totalling 3.750000001 in the ledger",
                "agent " + B + " EUR: none in the snapshot, 1 event(s) totalling 5 in the ledger",
                "agent " + B + " USD: 1 event(s) totalling 0.000000001 in the snapshot, 2 event(s) totalling 0.000000002 in the ledger"),
                differences);
    }
}
