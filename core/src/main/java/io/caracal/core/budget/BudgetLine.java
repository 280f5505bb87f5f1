package io.caracal.core.budget;

import io.caracal.core.policy.BudgetPolicy;

import java.math.BigDecimal;

/** What one hold or charge counts against one budget (a policy), in that policy's currency. */
public record BudgetLine(BudgetPolicy policy, BigDecimal amount) {
}
