package io.caracal.core.budget;

import io.caracal.core.error.CaracalException;

/** The budget store cannot be reached: no spend is allowed until it can (fail closed). */
public final class BudgetStoreUnavailableException extends CaracalException {
    public BudgetStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
