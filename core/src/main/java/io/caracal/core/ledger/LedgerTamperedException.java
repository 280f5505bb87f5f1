package io.caracal.core.ledger;

import io.caracal.core.error.CaracalException;

/** The ledger no longer matches what its checkpoints signed. */
public final class LedgerTamperedException extends CaracalException {
    public LedgerTamperedException(String message) {
        super(message);
    }
}
