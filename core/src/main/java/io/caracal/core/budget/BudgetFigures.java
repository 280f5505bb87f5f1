package io.caracal.core.budget;

import java.math.BigDecimal;
import java.util.UUID;

/**
 * One budget's state at a decision: {@code available = limit − spent − held}, which can be negative when
 * actual costs came in above their estimates.
 */
public record BudgetFigures(UUID policyId, UUID agentId, String currency, BigDecimal limit, BigDecimal spent, BigDecimal held) {
    public BigDecimal available() {
        return limit.subtract(spent).subtract(held);
    }
}
