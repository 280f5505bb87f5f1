package io.caracal.core.budget;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

/**
 * The answer to "may this agent spend this much now?". {@code remaining} is the smallest amount left across the
 * budgets after this request (never below zero; null when no budget applies), {@code failingPolicyId} the
 * first budget that refused. Figures are as they stood before the request.
 */
public record BudgetDecision(boolean allowed, String reason, BigDecimal remaining, String currency, UUID failingPolicyId,
                             List<BudgetFigures> budgets) {
    public BudgetDecision {
        budgets = List.copyOf(budgets);
    }

    static BudgetDecision denied(String reason) {
        return new BudgetDecision(false, reason, null, null, null, List.of());
    }
}
